using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Chat.Cassettes;

/// <summary>Adds <see cref="RecordingChatClient"/> to a <see cref="ChatClientBuilder"/>.</summary>
public static class RecordingChatClientBuilderExtensions
{
    /// <summary>Records every request and reply through the pipeline to <paramref name="cassettePath"/>.</summary>
    public static ChatClientBuilder UseRecording(this ChatClientBuilder builder, string cassettePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(cassettePath);
        return builder.Use(inner => new RecordingChatClient(inner, cassettePath));
    }
}
