using System.Text.Json;
using Factory.Dataflow.Chat;

namespace Factory.Dataflow.Stages.Build;

/// <summary>BUILD's contract: <c>{"edits": [{path, content}]}</c>, or a refusal <c>{"error": "..."}</c>.</summary>
internal sealed record BuildReply(IReadOnlyList<FileEdit> Edits, string? Refusal)
{
    public static BuildReply Read(JsonElement reply)
    {
        if (JsonReply.OptionalString(reply, "error") is { } error && !string.IsNullOrWhiteSpace(error))
        {
            return new BuildReply([], error.Trim());
        }

        var edits = JsonReply.FileEdits(reply, "edits");
        return edits.Count == 0
            ? throw new ReplyFormatException("\"edits\" is empty; give at least one edit, or {\"error\": ...} if you cannot")
            : new BuildReply(edits, null);
    }
}
