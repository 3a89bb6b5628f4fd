using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Chat.Cassettes;

/// <summary>
/// Middleware that records every request and reply passing through it to a cassette file (JSON), appended after each
/// call so the cassette is complete between calls even if the run dies. Nothing is kept in memory: a long batch of
/// large replies costs disk, not Factory's memory, and each call writes only its own entry. Replay it with
/// <see cref="ReplayChatClient"/>.
/// </summary>
public sealed class RecordingChatClient : DelegatingChatClient
{
    private readonly Lock _gate = new();
    private readonly CassetteAppender _file;
    private readonly string _endpoint;

    /// <summary>Records calls to <paramref name="innerClient"/> into <paramref name="cassettePath"/> (overwritten).</summary>
    public RecordingChatClient(IChatClient innerClient, string cassettePath)
        : base(innerClient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cassettePath);
        CassettePath = Path.GetFullPath(cassettePath);
        _endpoint = innerClient.GetService<ChatClientMetadata>()?.ProviderUri?.ToString() ?? "(unknown endpoint)";
        _file = CassetteAppender.Create(CassettePath);
    }

    /// <summary>The cassette file.</summary>
    public string CassettePath { get; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        Record(list, options, response);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }

        Record(list, options, updates.ToChatResponse());
    }

    private void Record(IList<ChatMessage> messages, ChatOptions? options, ChatResponse response)
    {
        var entry = new CassetteEntry
        {
            Request = CassetteCodec.ToRecord(messages, options),
            Response = CassetteCodec.ToRecord(response, $"{response.ModelId ?? options?.ModelId}@{_endpoint}"),
        };

        // Calls from concurrent requests finish in any order; the lock keeps the file consistent.
        lock (_gate)
        {
            _file.Append(entry);
        }
    }
}
