using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Chat.Cassettes;

/// <summary>
/// A chat client with no server: it answers each request with the reply recorded for the identical request in a
/// cassette (matched by model, settings and conversation, so concurrent requests replay in any order; identical
/// requests get their replies in recorded order). Every reply says it is a replay: its served-by is
/// <c>model@replay:&lt;cassette file&gt;</c>. A request that was never recorded fails; nothing is made up.
/// </summary>
public sealed class ReplayChatClient : IChatClient
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<CassetteResponse>> _replies = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;
    private readonly string _label;

    /// <summary>Loads <paramref name="cassettePath"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a cassette.</exception>
    public ReplayChatClient(string cassettePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cassettePath);
        CassettePath = Path.GetFullPath(cassettePath);
        foreach (var entry in CassetteCodec.Load(CassettePath).Entries)
        {
            var key = CassetteCodec.Key(entry.Request);
            if (!_replies.TryGetValue(key, out var queue))
            {
                _replies[key] = queue = new Queue<CassetteResponse>();
            }

            queue.Enqueue(entry.Response);
        }

        _label = "replay:" + Path.GetFileName(CassettePath);
        _metadata = new ChatClientMetadata("replay", new Uri("replay:" + Uri.EscapeDataString(Path.GetFileName(CassettePath))));
    }

    /// <summary>The cassette replayed.</summary>
    public string CassettePath { get; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = CassetteCodec.ToRecord(messages, options);
        CassetteResponse? reply;
        lock (_gate)
        {
            reply = _replies.TryGetValue(CassetteCodec.Key(request), out var queue) && queue.Count > 0 ? queue.Dequeue() : null;
        }

        if (reply is null)
        {
            throw new InvalidOperationException(
                $"The cassette {CassettePath} has no (more) recorded replies for this {request.Model ?? "model"} request " +
                $"({request.Messages.Count} messages); the prompts or settings differ from the recorded run. Record it again.");
        }

        return Task.FromResult(CassetteCodec.ToResponse(reply, $"{reply.Model ?? request.Model}@{_label}"));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
