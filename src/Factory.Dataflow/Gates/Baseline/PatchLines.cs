using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Factory.Dataflow.Gates.Baseline;

/// <summary>
/// The lines a change adds or modifies, per file, read from the workspace's unified diff. Headers are read only between
/// files and hunks are read by their line counts, so a content line that looks like a header is never taken for one.
/// </summary>
internal static partial class PatchLines
{
    public static IReadOnlyDictionary<string, IReadOnlySet<int>> Read(string diff)
    {
        var files = new Dictionary<string, IReadOnlySet<int>>(StringComparer.Ordinal);
        HashSet<int>? current = null;
        var oldLeft = 0;
        var newLeft = 0;
        var newLine = 0;
        foreach (var line in diff.Split('\n'))
        {
            if (oldLeft > 0 || newLeft > 0)
            {
                // Inside a hunk: every line is content, whatever it looks like.
                if (line.StartsWith('+'))
                {
                    current?.Add(newLine++);
                    newLeft--;
                }
                else if (line.StartsWith('-'))
                {
                    oldLeft--;
                }
                else if (line.StartsWith('\\'))
                {
                    // "\ No newline at end of file" belongs to the line before it.
                }
                else
                {
                    newLine++;
                    oldLeft--;
                    newLeft--;
                }

                continue;
            }

            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                current = null;
            }
            else if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var path = Unquote(line[4..]);
                current = path.StartsWith("b/", StringComparison.Ordinal) ? [] : null;
                if (current is not null)
                {
                    files[path[2..]] = current;
                }
            }
            else if (Hunk().Match(line) is { Success: true } hunk)
            {
                oldLeft = Count(hunk.Groups["oldCount"]);
                newLeft = Count(hunk.Groups["newCount"]);
                newLine = int.Parse(hunk.Groups["newStart"].ValueSpan, CultureInfo.InvariantCulture);
            }
        }

        return files;
    }

    private static int Count(Group group) => group.Success ? int.Parse(group.ValueSpan, CultureInfo.InvariantCulture) : 1;

    /// <summary>git quotes a path with unusual characters C-style (<c>"b/caf\303\251.py"</c>); this undoes it.</summary>
    private static string Unquote(string path)
    {
        path = path.TrimEnd('\r');
        if (path.Length < 2 || path[0] != '"' || path[^1] != '"')
        {
            return path;
        }

        var bytes = new List<byte>();
        for (var i = 1; i < path.Length - 1; i++)
        {
            var c = path[i];
            if (c != '\\' || i + 1 >= path.Length - 1)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }

            var next = path[++i];
            if (next is >= '0' and <= '7' && i + 2 < path.Length - 1)
            {
                bytes.Add(Convert.ToByte(path.Substring(i, 3), 8));
                i += 2;
            }
            else
            {
                bytes.Add((byte)(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'a' => '\a', 'b' => '\b', 'f' => '\f', 'v' => '\v', _ => next }));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [GeneratedRegex(@"^@@ -\d+(?:,(?<oldCount>\d+))? \+(?<newStart>\d+)(?:,(?<newCount>\d+))? @@")]
    private static partial Regex Hunk();
}
