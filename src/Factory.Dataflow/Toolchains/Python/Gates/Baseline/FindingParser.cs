using System.Text;
using System.Text.RegularExpressions;
using Factory.Dataflow.Gates.Baseline;

namespace Factory.Dataflow.Toolchains.Python.Gates.Baseline;

/// <summary>
/// Reads findings from a tool's text output in the shape ruff (concise), mypy, flake8 and most Python linters print:
/// <c>path:line[:col]: message</c>, one a line, with indented context lines and mypy's <c>note:</c> lines belonging to
/// the finding above them. Summary lines ("Found 3 errors", "Success: ...") belong to none.
/// </summary>
internal static partial class FindingParser
{
    public static IReadOnlyList<Finding> Parse(string output, string root)
    {
        var findings = new List<Finding>();
        var lines = new FileLines(root);
        string? file = null;
        var line = 0;
        string? key = null;
        var text = new StringBuilder();

        void Flush()
        {
            if (file is not null)
            {
                findings.Add(new Finding(file, line, text.ToString().TrimEnd('\n'), $"{file}\u001f{key}\u001f{lines.Text(file, line)}"));
            }

            file = null;
            text.Clear();
        }

        foreach (var raw in output.Split('\n'))
        {
            var current = raw.TrimEnd('\r');
            if (Location().Match(current) is { Success: true } match)
            {
                var message = match.Groups["message"].Value;
                if (file is not null && message.StartsWith("note:", StringComparison.Ordinal))
                {
                    text.Append(current).Append('\n');
                    continue;
                }

                Flush();
                file = match.Groups["file"].Value;
                line = int.Parse(match.Groups["line"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
                key = LineNumbers().Replace(message, "line #");
                text.Append(current).Append('\n');
            }
            else if (file is not null && current.Length > 0 && (char.IsWhiteSpace(current[0]) || current[0] is '|' or '^' or '-' or '='))
            {
                text.Append(current).Append('\n');
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return findings;
    }

    // A path has no spaces at its start and no colon; line and optional column are numbers.
    [GeneratedRegex(@"^(?<file>[^\s:][^:]*?):(?<line>\d+):(?:\d+:)?\s+(?<message>\S.*)$")]
    private static partial Regex Location();

    [GeneratedRegex(@"\bline \d+")]
    private static partial Regex LineNumbers();

    /// <summary>Reads each named file once, for the text of the lines findings point at.</summary>
    private sealed class FileLines(string root)
    {
        private readonly Dictionary<string, string[]> _files = new(StringComparer.Ordinal);

        public string Text(string file, int line)
        {
            if (!_files.TryGetValue(file, out var content))
            {
                var full = Path.GetFullPath(Path.Combine(root, file));
                content = full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full)
                    ? File.ReadAllLines(full)
                    : [];
                _files[file] = content;
            }

            return line >= 1 && line <= content.Length ? content[line - 1].Trim() : "";
        }
    }
}
