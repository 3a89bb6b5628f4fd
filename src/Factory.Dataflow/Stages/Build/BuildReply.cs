using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Build.Edits;

namespace Factory.Dataflow.Stages.Build;

/// <summary>
/// BUILD's contract (documented in Prompts/build.md): <c>{"edits": [...]}</c> where each edit is either
/// <c>{"path", "content"}</c> (a whole file) or <c>{"path", "search", "replace"}</c> (one exact passage and its
/// replacement), or a refusal <c>{"error": "..."}</c>.
/// </summary>
internal sealed record BuildReply(IReadOnlyList<BuildEdit> Edits, string? Refusal)
{
    public static BuildReply Read(JsonElement reply)
    {
        if (JsonReply.OptionalString(reply, "error") is { } error && !string.IsNullOrWhiteSpace(error))
        {
            return new BuildReply([], error.Trim());
        }

        if (!reply.TryGetProperty("edits", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new ReplyFormatException("\"edits\" must be a list of {\"path\", \"content\"} or {\"path\", \"search\", \"replace\"} objects");
        }

        var edits = items.EnumerateArray().Select((item, i) => ReadEdit(item, $"edit {i + 1} of \"edits\"")).ToList();
        return edits.Count == 0
            ? throw new ReplyFormatException("\"edits\" is empty; give at least one edit, or {\"error\": ...} if you cannot")
            : new BuildReply(edits, null);
    }

    private static BuildEdit ReadEdit(JsonElement item, string what)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ReplyFormatException($"{what} must be an object");
        }

        var path = JsonReply.OptionalString(item, "path");
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ReplyFormatException($"{what} has no \"path\"");
        }

        what = $"{what} ({path.Trim()})";
        var content = JsonReply.OptionalString(item, "content");
        var search = JsonReply.OptionalString(item, "search");
        var replace = JsonReply.OptionalString(item, "replace");
        if (content is not null && (search is not null || replace is not null))
        {
            throw new ReplyFormatException($"{what} has both \"content\" and \"search\"/\"replace\"; give one or the other");
        }

        if (content is not null)
        {
            return new WholeFileEdit(path.Trim(), content);
        }

        return (search, replace) switch
        {
            (not null, not null) => new SearchReplaceEdit(path.Trim(), search, replace),
            (not null, null) => throw new ReplyFormatException($"{what} has \"search\" but no \"replace\" (use \"\" to delete the passage)"),
            (null, not null) => throw new ReplyFormatException($"{what} has \"replace\" but no \"search\""),
            _ => throw new ReplyFormatException($"{what} has neither \"content\" nor \"search\" and \"replace\""),
        };
    }
}
