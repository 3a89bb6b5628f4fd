using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Factory.Samples.ChatMiddleware;

/// <summary>
/// Middleware that writes one line per model call (model, messages sent, tokens, time) and counts the calls. Stack it
/// on any client with <see cref="CallLogChatClientBuilderExtensions.UseCallLog"/>; every stage's calls go through it.
/// </summary>
public sealed class CallLogChatClient(IChatClient innerClient, TextWriter log) : DelegatingChatClient(innerClient)
{
    private int _calls;

    /// <summary>Calls made so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var started = Stopwatch.GetTimestamp();
        var response = await base.GetResponseAsync(list, options, cancellationToken);
        var number = Interlocked.Increment(ref _calls);
        await log.WriteLineAsync(
            $"  call {number}: {options?.ModelId ?? "?"}, {list.Count} messages, {response.Usage?.InputTokenCount ?? 0} in / " +
            $"{response.Usage?.OutputTokenCount ?? 0} out, {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        return response;
    }
}
