using System.Text.RegularExpressions;

namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// Finds the one place a search passage occurs in a file, in the order Aider's SEARCH/REPLACE matcher tries: the exact
/// text first; then line by line, ignoring trailing whitespace and a uniform shift of indentation (small models often
/// re-indent a passage they copy). A passage that still matches nowhere gets the closest passage of the file instead, so
/// the feedback can show BUILD what is really there. Line numbers copied from the prompt ("  12| ") are tolerated.
/// </summary>
internal static partial class PassageLocator
{
    private const int MaxListedMatches = 5;

    /// <summary>Where <paramref name="passage"/> occurs in <paramref name="source"/>.</summary>
    public static PassageMatch Find(SourceText source, string passage)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(passage);
        var lines = SourceText.SplitLines(passage);
        if (lines.TrueForAll(string.IsNullOrWhiteSpace))
        {
            return new PassageMatch.Empty();
        }

        // An exact passage that occurs more than once may still be one whole-line passage (e.g. "x = 1" inside "max = 10").
        var exact = FindExact(source, passage);
        if (exact is PassageMatch.Unique)
        {
            return exact;
        }

        if (FindByLines(source, lines, stripLineNumbers: false) is { } byLines && (exact is null || byLines is PassageMatch.Unique))
        {
            return byLines;
        }

        if (exact is not null)
        {
            return exact;
        }

        if (HasLineNumbers(lines))
        {
            lines = lines.ConvertAll(StripLineNumber);
            if (FindByLines(source, lines, stripLineNumbers: true) is { } numbered)
            {
                return numbered;
            }
        }

        return Closest(source, lines) ?? new PassageMatch.Missing(0, 0);
    }

    /// <summary>Whether every non-blank line starts with a line number as the prompt shows them ("  12| ").</summary>
    public static bool HasLineNumbers(IReadOnlyList<string> lines) =>
        lines.Where(l => l.Trim().Length > 0).All(l => LineNumberPrefix().IsMatch(l));

    /// <summary>The line without a leading "  12| " copied from the prompt.</summary>
    public static string StripLineNumber(string line) => LineNumberPrefix().Replace(line, "", 1);

    private static PassageMatch? FindExact(SourceText source, string passage)
    {
        // The model writes "\n"; a file with CRLF line breaks holds "\r\n".
        var needle = source.NewLine == "\r\n" ? passage.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) : passage;
        var first = source.Text.IndexOf(needle, StringComparison.Ordinal);
        if (first < 0)
        {
            return null;
        }

        var starts = new List<int> { first };
        var count = 1;
        for (var next = source.Text.IndexOf(needle, first + needle.Length, StringComparison.Ordinal); next >= 0;
             next = source.Text.IndexOf(needle, next + needle.Length, StringComparison.Ordinal))
        {
            count++;
            if (starts.Count < MaxListedMatches)
            {
                starts.Add(next);
            }
        }

        return count == 1
            ? new PassageMatch.Unique(first, needle.Length, LineBased: false, Dedent: 0, Indent: "", StripLineNumbers: false)
            : new PassageMatch.Ambiguous([.. starts.Select(s => source.LineAt(s) + 1)], count);
    }

    /// <summary>The line-by-line match, or null when the passage occurs nowhere.</summary>
    private static PassageMatch? FindByLines(SourceText source, List<string> passageLines, bool stripLineNumbers)
    {
        var lines = TrimBlankEdges(passageLines.ConvertAll(l => l.TrimEnd()));
        var dedent = CommonIndent(lines);
        var pattern = lines.ConvertAll(l => l.Length >= dedent ? l[dedent..] : "");
        var found = new List<(int Line, string Indent)>();
        var count = 0;
        for (var start = 0; start + pattern.Count <= source.LineCount; start++)
        {
            if (MatchAt(source, pattern, start) is { } indent)
            {
                count++;
                if (found.Count < MaxListedMatches)
                {
                    found.Add((start, indent));
                }
            }
        }

        if (count == 1)
        {
            var (line, indent) = found[0];
            var begin = source.LineStart(line);
            return new PassageMatch.Unique(begin, source.LineEndWithBreak(line + pattern.Count - 1) - begin, LineBased: true, dedent, indent, stripLineNumbers);
        }

        return count > 1 ? new PassageMatch.Ambiguous([.. found.Select(f => f.Line + 1)], count) : null;
    }

    /// <summary>The indentation that makes the window at <paramref name="start"/> equal the pattern, or null.</summary>
    private static string? MatchAt(SourceText source, List<string> pattern, int start)
    {
        string? indent = null;
        for (var k = 0; k < pattern.Count; k++)
        {
            var line = source.Line(start + k).TrimEnd();
            var want = pattern[k];
            if (want.Length == 0)
            {
                if (line.Length != 0)
                {
                    return null;
                }

                continue;
            }

            if (!line.EndsWith(want, StringComparison.Ordinal))
            {
                return null;
            }

            var prefix = line[..^want.Length];
            if (prefix.Trim().Length != 0 || (indent is not null && prefix != indent))
            {
                return null;
            }

            indent = prefix;
        }

        return indent ?? "";
    }

    /// <summary>The window of the file, as long as the passage, whose lines are most alike the passage's; null in an empty file.</summary>
    private static PassageMatch.Missing? Closest(SourceText source, List<string> passageLines)
    {
        var passage = TrimBlankEdges(passageLines).ConvertAll(l => l.Trim());
        var wanted = passage.Select(LineSimilarity.Bigrams).ToArray();
        if (source.LineCount == 0 || wanted.Length == 0)
        {
            return null;
        }

        var window = Math.Min(wanted.Length, source.LineCount);
        var fileLines = new int[source.LineCount][];
        var fileText = new string[source.LineCount];
        for (var i = 0; i < fileLines.Length; i++)
        {
            fileText[i] = source.Line(i).Trim();
            fileLines[i] = LineSimilarity.Bigrams(fileText[i]);
        }

        var best = (Start: 0, Score: -1.0);
        for (var start = 0; start + window <= source.LineCount; start++)
        {
            double score = 0;
            for (var k = 0; k < window; k++)
            {
                // An identical line outweighs any near one: bigrams cannot tell "0600" from "0060".
                score += fileText[start + k] == passage[k] ? 2 : LineSimilarity.Dice(fileLines[start + k], wanted[k]);
            }

            if (score > best.Score)
            {
                best = (start, score);
            }
        }

        return new PassageMatch.Missing(best.Start + 1, best.Start + window);
    }

    private static List<string> TrimBlankEdges(List<string> lines)
    {
        var first = lines.FindIndex(l => l.Trim().Length > 0);
        var last = lines.FindLastIndex(l => l.Trim().Length > 0);
        return first < 0 ? [] : lines.GetRange(first, last - first + 1);
    }

    private static int CommonIndent(List<string> lines) =>
        lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();

    [GeneratedRegex(@"^ *\d+\|(?: |$)")]
    private static partial Regex LineNumberPrefix();
}
