using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Factory.Dataflow;

/// <summary>Lines <see cref="FirstLine"/>..<see cref="LastLine"/> (1-based, inclusive) of a repository file, as SCOUT cites them.</summary>
public sealed partial record FileRegion(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("first_line")] int FirstLine,
    [property: JsonPropertyName("last_line")] int LastLine)
{
    /// <summary>Reads "app/main.py:120-180" or "app/main.py:120"; null when the text is not in that form.</summary>
    public static FileRegion? Parse(string text)
    {
        var match = Pattern().Match((text ?? "").Trim());
        if (!match.Success)
        {
            return null;
        }

        var first = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var last = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : first;
        return first < 1 || last < first ? null : new FileRegion(match.Groups[1].Value.Replace('\\', '/').TrimStart('.', '/'), first, last);
    }

    /// <summary>"app/main.py:120-180".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Path}:{FirstLine}-{LastLine}");

    [GeneratedRegex(@"^(.+?):(\d{1,7})(?:\s*-\s*(\d{1,7}))?$")]
    private static partial Regex Pattern();
}
