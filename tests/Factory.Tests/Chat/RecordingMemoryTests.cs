using Factory.Dataflow.Chat.Cassettes;
using Microsoft.Extensions.AI;

namespace Factory.Tests.Chat;

/// <summary>
/// Many medium replies must not pile up in memory: recording a long run keeps its replies on disk only. Measures the
/// process's live heap, so it runs alone.
/// </summary>
[Collection(MemoryMeasuredAlone.Name)]
public sealed class RecordingMemoryTests : IDisposable
{
    private const int Calls = 100;
    private const int ReplyChars = 128 * 1024;
    private readonly string _cassette = Path.Combine(Path.GetTempPath(), $"factory-cassette-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_cassette);

    [Fact]
    public async Task Recording_a_hundred_medium_replies_keeps_none_of_them_in_memory_and_replays_them_all()
    {
        using var recorder = new RecordingChatClient(new DistinctReplies(), _cassette);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var call = 0; call < Calls; call++)
        {
            await recorder.GetResponseAsync([new ChatMessage(ChatRole.User, $"call {call}")], new ChatOptions { ModelId = "m" });
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(recorder);

        // The replies are 100 x 128 K characters, 25 MiB as .NET strings; keeping them would retain at least that.
        Assert.True(retained < 4 * 1024 * 1024, $"recording retained {retained:N0} bytes");
        Assert.True(new FileInfo(_cassette).Length > Calls * ReplyChars);
        var replay = new ReplayChatClient(_cassette);
        var last = await replay.GetResponseAsync([new ChatMessage(ChatRole.User, $"call {Calls - 1}")], new ChatOptions { ModelId = "m" });
        Assert.Equal(DistinctReplies.Reply(Calls - 1), last.Text);
    }

    /// <summary>A model that answers each call with a new 128 K-character string.</summary>
    private sealed class DistinctReplies : IChatClient
    {
        private int _calls;

        public static string Reply(int call) => call.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + new string('r', ReplyChars - 6);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Reply(_calls++))) { ModelId = "m" });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
