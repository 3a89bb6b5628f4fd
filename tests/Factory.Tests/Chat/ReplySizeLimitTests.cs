using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Tests.Stages;
using Factory.Tests.Support.FakeOllama;
using Microsoft.Extensions.AI;

namespace Factory.Tests.Chat;

/// <summary>Measures what the process allocates, so these tests run alone: another test's work would count too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuredAlone
{
    public const string Name = "Memory measured alone";
}

/// <summary>
/// A reply larger than Factory:Ollama:MaxReplyBytes fails its call with a message naming the setting, and is never held
/// whole: the process allocates far less than the reply's size while it is served (64 MiB, against the default 4 MiB cap).
/// </summary>
[Collection(MemoryMeasuredAlone.Name)]
public sealed class ReplySizeLimitTests
{
    private const long Huge = 64L * 1024 * 1024;

    // Generous: the cap (4 MiB) read once into a growing buffer, plus the server's and the client's own work. Holding
    // the reply whole would allocate several times its 64 MiB (the bytes, then the text as UTF-16).
    private const long AllocationBound = 32L * 1024 * 1024;

    // The cap, plus what the HTTP handler drains from a connection it closes (1 MiB by default) and its buffers.
    private const long ReadBound = 8L * 1024 * 1024;

    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "hello")];

    [Fact]
    public async Task A_64_MiB_reply_fails_the_call_naming_the_cap_without_being_read_whole_or_retried()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Respond(StageTestKit.BuildModel, _ => FakeReply.Huge(Huge));
        var network = new CountingHandler();
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server), handler: network.Create());
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var error = await Assert.ThrowsAsync<ModelCallException>(() =>
            factory.Create(StageName.Build).GetResponseAsync(StageTestKit.Context(StageName.Build), Hello, null, CancellationToken.None));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("larger than Factory:Ollama:MaxReplyBytes (4 MiB (4,194,304 bytes))", error.Message);
        Assert.Contains("BUILD's call to", error.Message);
        Assert.IsType<ModelReplyTooLargeException>(error.InnerException);
        Assert.Single(server.ChatRequests);
        Assert.True(allocated < AllocationBound, $"allocated {allocated:N0} bytes while a 64 MiB reply was refused");
        Assert.True(network.BytesRead < ReadBound, $"the client read {network.BytesRead:N0} bytes from the network");
    }

    [Fact]
    public async Task A_streamed_reply_stops_being_read_at_the_cap()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Respond(StageTestKit.BuildModel, _ => FakeReply.Huge(Huge));
        var network = new CountingHandler();
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server), handler: network.Create());
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var updates = 0;

        var error = await Assert.ThrowsAsync<ModelReplyTooLargeException>(async () =>
        {
            await foreach (var update in factory.Client.GetStreamingResponseAsync(Hello, new ChatOptions { ModelId = StageTestKit.BuildModel }))
            {
                updates++;
            }
        });

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("went past 4 MiB", error.Message);
        Assert.InRange(updates, 1, (int)(OllamaOptions.DefaultMaxReplyBytes / (32 * 1024)));
        Assert.True(allocated < AllocationBound, $"allocated {allocated:N0} bytes while a 64 MiB streamed reply was cut");
        Assert.True(network.BytesRead < ReadBound, $"the client read {network.BytesRead:N0} bytes from the network");
    }

    [Fact]
    public async Task A_reply_that_declares_a_length_past_the_cap_is_refused_before_its_body_is_read()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Respond(StageTestKit.BuildModel, _ => FakeReply.Huge(Huge, declareLength: true));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));

        var error = await Assert.ThrowsAsync<ModelCallException>(() =>
            factory.Create(StageName.Build).GetResponseAsync(StageTestKit.Context(StageName.Build), Hello, null, CancellationToken.None));

        Assert.Contains("declares 64", ((ModelReplyTooLargeException)error.InnerException!).Message);
    }

    [Fact]
    public async Task A_reply_within_a_raised_cap_is_read_whole()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Respond(StageTestKit.BuildModel, _ => FakeReply.Huge(5L * 1024 * 1024));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o => o.Ollama.MaxReplyBytes = 6L * 1024 * 1024));

        var response = await factory.Create(StageName.Build).GetResponseAsync(StageTestKit.Context(StageName.Build), Hello, null, CancellationToken.None);

        Assert.Equal(5 * 1024 * 1024, response.Text.Length);
    }

    [Fact]
    public void A_cap_below_64_KiB_is_refused_by_name()
    {
        var options = new ModelOptions { Ollama = { MaxReplyBytes = 1000 } };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("Factory:Ollama:MaxReplyBytes is 1000", error.Message);
    }
}
