using Microsoft.Extensions.AI;

namespace Factory.Samples.ChatMiddleware;

/// <summary>Adds <see cref="CallLogChatClient"/> to a <see cref="ChatClientBuilder"/>.</summary>
public static class CallLogChatClientBuilderExtensions
{
    /// <summary>Logs every call through the pipeline to <paramref name="log"/>; <paramref name="created"/> receives the client, to read its count.</summary>
    public static ChatClientBuilder UseCallLog(this ChatClientBuilder builder, TextWriter log, Action<CallLogChatClient>? created = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(log);
        return builder.Use(inner =>
        {
            var client = new CallLogChatClient(inner, log);
            created?.Invoke(client);
            return client;
        });
    }
}
