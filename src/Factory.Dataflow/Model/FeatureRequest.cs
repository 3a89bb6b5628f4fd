using System.Security.Cryptography;
using System.Text;

namespace Factory.Dataflow;

/// <summary>A plain-language feature request and the id that names its branch and run directory.</summary>
public sealed record FeatureRequest
{
    /// <summary>The longest id accepted; it becomes part of a branch name and a folder name.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Creates a request, checking that <paramref name="id"/> is safe as a branch and folder name.</summary>
    /// <exception cref="ArgumentException">The id or the text is unusable; the message says why.</exception>
    public FeatureRequest(string id, string text)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        if (ExplainInvalidId(id) is { } problem)
        {
            throw new ArgumentException($"Request id '{id}' is not usable: {problem}.", nameof(id));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"Request '{id}' has no text.", nameof(text));
        }

        Id = id;
        Text = text.Trim();
    }

    /// <summary>The id: letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public string Id { get; }

    /// <summary>What the user asked for, trimmed.</summary>
    public string Text { get; }

    /// <summary>Creates a request whose id is derived from its text, so the same text gives the same id.</summary>
    public static FeatureRequest FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slug = Slug(text);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.Trim())))[..8];
        return new FeatureRequest(slug.Length == 0 ? $"req-{hash}" : $"{slug}-{hash}", text);
    }

    /// <summary>Returns why <paramref name="id"/> is not a usable request id, or null when it is.</summary>
    public static string? ExplainInvalidId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0)
        {
            return "it is empty";
        }

        if (id.Length > MaxIdLength)
        {
            return $"it is longer than {MaxIdLength} characters";
        }

        if (!char.IsAsciiLetterOrDigit(id[0]))
        {
            return "it must start with a letter or a digit";
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return $"the character '{c}' is not allowed (use letters, digits, '.', '_' or '-')";
            }
        }

        // git refuses ref names with "..", and a trailing ".lock" or "." confuses it too.
        if (id.Contains("..", StringComparison.Ordinal) || id.EndsWith(".lock", StringComparison.OrdinalIgnoreCase) || id.EndsWith('.'))
        {
            return "git does not accept it in a branch name";
        }

        return null;
    }

    private static string Slug(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (builder.Length >= 40)
            {
                break;
            }
        }

        return builder.ToString().Trim('-');
    }
}
