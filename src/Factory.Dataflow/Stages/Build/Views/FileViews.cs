using System.Globalization;
using System.Text;
using Factory.Dataflow.Stages.Build.Edits;
using Factory.Dataflow.Toolchains;

namespace Factory.Dataflow.Stages.Build.Views;

/// <summary>
/// How one file appears in BUILD's prompt: whole (then BUILD may replace it whole), or as numbered regions plus an
/// outline of its definitions from the toolchain's <see cref="IToolchainFeedback.Outline"/> (then BUILD changes it with search/replace edits). No file is ever withheld for its size.
/// </summary>
internal sealed class FileViews(BuildStageOptions options)
{
    private const int MaxOutlineEntries = 200;

    /// <summary>The file whole, fenced as it is (no line numbers, so a whole-file reply can copy it).</summary>
    public static string Whole(string path, string content, string note) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture, $"CURRENT CONTENT OF {path} (the whole file{note}):\n```\n")
            .Append(content.TrimEnd('\n')).Append("\n```\n\n").ToString();

    /// <summary>The advice BUILD gets with a file it was not shown whole.</summary>
    public const string SearchReplaceOnly = " Change it only with search/replace edits whose \"search\" is copied from these lines.";

    /// <summary>
    /// Regions of the file with line numbers, in <paramref name="ranges"/>' priority order while they fit
    /// <paramref name="budget"/> characters, then shown in file order with the outline of what is not shown;
    /// <paramref name="advice"/> follows the header. A retry leaves the outline out (<paramref name="outline"/> false): it
    /// is about the regions already changed.
    /// </summary>
    public static string Partial(
        string path,
        SourceText source,
        IReadOnlyList<LineRange> ranges,
        string why,
        int budget,
        IToolchainFeedback language,
        string advice = SearchReplaceOnly,
        bool outline = true)
    {
        var chosen = new List<LineRange>();
        var used = 0;
        foreach (var range in ranges)
        {
            var cost = Chars(source, range);
            if (used + cost > budget)
            {
                // Keep what fits of a region rather than nothing of it.
                var fitted = Fit(source, range, budget - used);
                if (fitted is { } part)
                {
                    chosen.Add(part);
                    used += Chars(source, part);
                }

                break;
            }

            chosen.Add(range);
            used += cost;
        }

        var shown = LineRange.Merge(chosen, gap: 0);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"FILE {path}: {source.Text.Length:N0} characters in {source.LineCount:N0} lines, {why}. Shown: ");
        text.Append(shown.Count == 0 ? "no lines" : string.Join(", ", shown.Select(r => $"lines {r.First}-{r.Last}")));
        text.Append('.').Append(advice).Append('\n');
        if (outline)
        {
            AppendOutline(text, path, source, shown, language);
        }

        foreach (var range in shown)
        {
            text.Append(CultureInfo.InvariantCulture, $"LINES {range.First}-{range.Last} OF {path}:\n```\n");
            NumberedLines.Append(text, source, range.First, range.Last).Append("```\n");
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The first attempt's regions of a long file, most wanted first: what SCOUT cited, then the head, then the tail.</summary>
    public List<LineRange> FirstLook(SourceText source, IEnumerable<LineRange> cited)
    {
        var lines = source.LineCount;
        var ranges = cited.Select(r => r.Widen(options.ContextLines, lines)).ToList();
        if (options.HeadLines > 0)
        {
            ranges.Add(new LineRange(1, Math.Min(lines, options.HeadLines)));
        }

        if (options.TailLines > 0)
        {
            ranges.Add(new LineRange(Math.Max(1, lines - options.TailLines + 1), lines));
        }

        return ranges.Where(r => r.First <= lines).ToList();
    }

    private static void AppendOutline(StringBuilder text, string path, SourceText source, List<LineRange> shown, IToolchainFeedback language)
    {
        var all = Enumerable.Range(0, source.LineCount).Select(source.Line).ToList();
        var definitions = language.Outline(path, all).Where(n => !shown.Exists(r => n >= r.First && n <= r.Last)).ToList();
        if (definitions.Count == 0)
        {
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"OUTLINE OF {path} (definitions in the lines not shown):\n```\n");
        foreach (var line in definitions.Take(MaxOutlineEntries))
        {
            NumberedLines.Append(text, source, line, line);
        }

        if (definitions.Count > MaxOutlineEntries)
        {
            text.Append(CultureInfo.InvariantCulture, $"... ({definitions.Count - MaxOutlineEntries} more)\n");
        }

        text.Append("```\n");
    }

    private static int Chars(SourceText source, LineRange range) =>
        source.LineEndWithBreak(range.Last - 1) - source.LineStart(range.First - 1) + (range.Count * 8);

    private static LineRange? Fit(SourceText source, LineRange range, int budget)
    {
        var last = range.First - 1;
        while (last < range.Last && Chars(source, new LineRange(range.First, last + 1)) <= budget)
        {
            last++;
        }

        return last >= range.First ? new LineRange(range.First, last) : null;
    }
}
