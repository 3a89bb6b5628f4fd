using System.Text;
using System.Text.Json;

namespace Factory.Dataflow.Chat;

/// <summary>
/// Tolerant reading of a model's JSON reply: small models wrap their JSON in prose or Markdown fences even in JSON mode,
/// so the outermost JSON object in the text is taken; anything else is a <see cref="ReplyFormatException"/>, never a
/// guessed default.
/// </summary>
public static class JsonReply
{
    // Enough to skip braces in a sentence before the JSON without scanning a huge reply quadratically.
    private const int MaxCandidates = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Returns the outermost JSON object in <paramref name="text"/>, or throws saying why there is none.</summary>
    /// <exception cref="ReplyFormatException">No '{' in the text, or no '{' starts a valid object.</exception>
    public static JsonElement ExtractObject(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        JsonElement? best = null;
        long bestEnd = -1;
        long bestSpan = -1;
        JsonException? firstError = null;
        var candidates = 0;
        for (var start = Array.IndexOf(bytes, (byte)'{'); start >= 0 && candidates < MaxCandidates; start = Array.IndexOf(bytes, (byte)'{', start + 1))
        {
            candidates++;
            if (start < bestEnd)
            {
                // Inside the object already found: an inner object is never the outermost one.
                continue;
            }

            var reader = new Utf8JsonReader(bytes.AsSpan(start), ReaderOptions);
            try
            {
                // ParseValue reads exactly one value and ignores whatever prose follows it.
                using var document = JsonDocument.ParseValue(ref reader);
                if (document.RootElement.ValueKind == JsonValueKind.Object && reader.BytesConsumed > bestSpan)
                {
                    // Of two separate objects (a "{placeholder}" in prose, then the answer), the larger is the answer.
                    best = document.RootElement.Clone();
                    bestSpan = reader.BytesConsumed;
                    bestEnd = start + reader.BytesConsumed;
                }
            }
            catch (JsonException ex)
            {
                firstError ??= ex;
            }
        }

        if (best is { } found)
        {
            return found;
        }

        if (firstError is not null)
        {
            throw new ReplyFormatException($"the reply is not valid JSON: {firstError.Message}", firstError);
        }

        throw new ReplyFormatException(text.Trim().Length == 0 ? "the reply is empty" : "the reply contains no JSON object");
    }

    /// <summary>A required, non-blank string property.</summary>
    /// <exception cref="ReplyFormatException">Missing, not a string, or blank.</exception>
    public static string RequiredString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new ReplyFormatException($"\"{name}\" must be a string");
        }

        var text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? throw new ReplyFormatException($"\"{name}\" is empty") : text;
    }

    /// <summary>A string property, or null when absent or null.</summary>
    /// <exception cref="ReplyFormatException">Present but not a string.</exception>
    public static string? OptionalString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ReplyFormatException($"\"{name}\" must be a string");
    }

    /// <summary>
    /// A list of strings; a missing or null property is empty unless <paramref name="required"/>. A single string is
    /// accepted as a list of one, since small models often drop the brackets.
    /// </summary>
    /// <exception cref="ReplyFormatException">Missing when required, or not strings.</exception>
    public static IReadOnlyList<string> StringList(JsonElement obj, string name, bool required = false)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new ReplyFormatException($"\"{name}\" is missing") : [];
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return string.IsNullOrWhiteSpace(value.GetString()) ? [] : [value.GetString()!.Trim()];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ReplyFormatException($"\"{name}\" must be a list of strings");
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new ReplyFormatException($"\"{name}\" must be a list of strings, but holds {item.ValueKind.ToString().ToLowerInvariant()}");
            }

            if (!string.IsNullOrWhiteSpace(item.GetString()))
            {
                items.Add(item.GetString()!.Trim());
            }
        }

        return items;
    }

    /// <summary>Reads <c>{path, content}</c> objects from the array property <paramref name="name"/>.</summary>
    /// <exception cref="ReplyFormatException">Missing, not an array, or an item without a path or content.</exception>
    public static IReadOnlyList<FileEdit> FileEdits(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new ReplyFormatException($"\"{name}\" must be a list of {{\"path\", \"content\"}} objects");
        }

        var edits = new List<FileEdit>();
        foreach (var item in value.EnumerateArray())
        {
            edits.Add(FileEdit(item, $"an item of \"{name}\""));
        }

        return edits;
    }

    /// <summary>Reads one <c>{path, content}</c> object.</summary>
    /// <exception cref="ReplyFormatException">Not an object, or without a path or content.</exception>
    public static FileEdit FileEdit(JsonElement item, string what)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ReplyFormatException($"{what} must be a {{\"path\", \"content\"}} object");
        }

        if (!item.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(path.GetString()))
        {
            throw new ReplyFormatException($"{what} has no \"path\"");
        }

        if (!item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
        {
            throw new ReplyFormatException($"{what} ({path.GetString()}) has no \"content\" string");
        }

        return new FileEdit(path.GetString()!.Trim(), content.GetString()!);
    }
}
