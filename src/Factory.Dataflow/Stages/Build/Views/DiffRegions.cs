using System.Globalization;
using System.Text.RegularExpressions;

namespace Factory.Dataflow.Stages.Build.Views;

/// <summary>
/// What a request has changed so far, read from its workspace's unified diff: per file, the line ranges of each hunk on
/// the new side (git's context lines included). BUILD's retry shows these regions of the files as they are now.
/// </summary>
internal static partial class DiffRegions
{
    /// <summary>Changed files in diff order, each with its hunks' new-side ranges; deleted files are left out.</summary>
    public static IReadOnlyList<(string Path, IReadOnlyList<LineRange> Ranges)> Parse(string diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var files = new List<(string Path, List<LineRange> Ranges)>();
        List<LineRange>? current = null;
        foreach (var line in diff.Split('\n'))
        {
            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var target = line[4..].TrimEnd('\r');
                current = null;
                if (target.StartsWith("b/", StringComparison.Ordinal))
                {
                    current = [];
                    files.Add((target[2..], current));
                }
            }
            else if (current is not null && Hunk().Match(line) is { Success: true } hunk)
            {
                var start = int.Parse(hunk.Groups[1].Value, CultureInfo.InvariantCulture);
                var count = hunk.Groups[2].Success ? int.Parse(hunk.Groups[2].Value, CultureInfo.InvariantCulture) : 1;

                // A pure deletion ("+12,0") leaves nothing on the new side: show the line it happened at.
                current.Add(count == 0 ? new LineRange(Math.Max(1, start), Math.Max(1, start)) : new LineRange(start, start + count - 1));
            }
        }

        return [.. files.Select(f => (f.Path, (IReadOnlyList<LineRange>)f.Ranges))];
    }

    [GeneratedRegex(@"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")]
    private static partial Regex Hunk();
}
