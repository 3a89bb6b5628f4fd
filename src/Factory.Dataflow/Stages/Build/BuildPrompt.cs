using System.Globalization;
using System.Text;
using System.Text.Json;
using Factory.Dataflow.Stages.Build.Edits;
using Factory.Dataflow.Stages.Build.Views;
using Factory.Dataflow.Toolchains;

namespace Factory.Dataflow.Stages.Build;

/// <summary>
/// BUILD's user message for one attempt. The first attempt shows each file SCOUT cited: whole when it is short, otherwise
/// as regions with line numbers and an outline. A retry shows what the request has changed so far, as it is now (the
/// changed regions and the lines the error names, not whole files again), then the other cited files, then the failure
/// trimmed to what BUILD can act on. Remembers which files it showed whole: only those may be replaced whole.
/// </summary>
internal sealed class BuildPrompt
{
    private static readonly JsonSerializerOptions BriefJson = new() { WriteIndented = true };
    private readonly BuildStageOptions _options;
    private readonly Func<string, CurrentFile> _read;
    private readonly FileViews _views;
    private readonly IToolchainFeedback _language;
    private readonly HashSet<string> _shownWhole = new(StringComparer.Ordinal);
    private int _budget;

    public BuildPrompt(BuildStageOptions options, Func<string, CurrentFile> read, IToolchainFeedback language)
    {
        _options = options;
        _language = language;
        _read = read;
        _views = new FileViews(options);
        _budget = options.MaxTotalChars;
    }

    /// <summary>The normalized paths of the files this prompt showed whole.</summary>
    public IReadOnlySet<string> ShownWhole => _shownWhole;

    /// <summary>The message; <paramref name="changed"/> is what the request changed so far (from its diff), empty on the first attempt.</summary>
    public string Render(
        Spec spec, ScoutBrief? brief, string? feedback, StageName? feedbackFrom, IReadOnlyList<(string Path, IReadOnlyList<LineRange> Ranges)> changed)
    {
        var text = new StringBuilder();
        text.AppendLine("SPEC:").AppendLine(spec.ToMarkdown());
        if (brief is not null)
        {
            text.AppendLine("CONVENTIONS BRIEF:").AppendLine(JsonSerializer.Serialize(brief, BriefJson)).AppendLine();
        }

        var shown = new HashSet<string>(StringComparer.Ordinal);
        if (changed.Count > 0)
        {
            text.AppendLine("WHAT THIS REQUEST HAS CHANGED SO FAR, as the files are now:").AppendLine();
            foreach (var (path, ranges) in changed)
            {
                if (shown.Add(RepoPath.Normalize(path)))
                {
                    AppendChanged(text, path, ranges, feedback);
                }
            }
        }

        var cited = brief?.Regions ?? [];
        foreach (var path in brief?.Files ?? [])
        {
            if (shown.Add(RepoPath.Normalize(path)))
            {
                AppendFirstLook(text, path, cited.Where(r => RepoPath.Normalize(r.Path) == RepoPath.Normalize(path)), feedback);
            }
        }

        if (feedback is not null)
        {
            var from = feedbackFrom?.ToDisplayName() ?? "a gate";
            text.AppendLine(CultureInfo.InvariantCulture, $"PREVIOUS ATTEMPT FAILED ({from}). The error, between the markers:")
                .AppendLine("<<<ERROR")
                .AppendLine(GateFeedbackTrimmer.Trim(feedback, _options.MaxFeedbackChars, _language))
                .AppendLine("ERROR>>>")
                .AppendLine("Fix exactly this problem and keep everything else as the spec asks. The files above are as your last attempt left them: " +
                    "edit them from there.");
        }

        return text.ToString();
    }

    private void AppendFirstLook(StringBuilder text, string path, IEnumerable<FileRegion> cited, string? feedback)
    {
        var file = _read(path);
        if (file.Problem is { } problem)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"FILE {path}: cannot be read ({problem}).").AppendLine();
            return;
        }

        if (!file.Exists)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"FILE {path}: does not exist yet (a new file).").AppendLine();
            return;
        }

        var content = file.Content!;
        if (content.Length <= _options.MaxWholeFileChars && content.Length <= _budget)
        {
            AppendWhole(text, path, content, "");
            return;
        }

        var source = new SourceText(content);
        var wanted = Pointed(path, source, feedback).Concat(_views.FirstLook(source, cited.Select(r => new LineRange(r.FirstLine, r.LastLine)))).ToList();
        var why = content.Length <= _options.MaxWholeFileChars ? "more than the prompt has room for" : "too long to show whole";
        AppendPartial(text, path, source, wanted, why);
    }

    private void AppendChanged(StringBuilder text, string path, IReadOnlyList<LineRange> hunks, string? feedback)
    {
        var file = _read(path);
        if (!file.Exists)
        {
            return;
        }

        var source = new SourceText(file.Content!);
        var lines = source.LineCount;
        var wanted = Pointed(path, source, feedback).Concat(hunks.Select(h => h.Widen(_options.ContextLines, lines))).ToList();
        var content = file.Content!;
        var regionChars = LineRange.Merge(wanted, gap: 0).Sum(r => source.LineEndWithBreak(r.Last - 1) - source.LineStart(r.First - 1));
        if (lines == 0 || (regionChars * 2 >= content.Length && content.Length <= _options.MaxWholeFileChars && content.Length <= _budget))
        {
            // The regions would be half the file or more: the whole (short) file costs little more, and may be replaced whole.
            AppendWhole(text, path, content, ", as your changes left it");
            return;
        }

        AppendPartial(text, path, source, wanted, "as your changes left it (the regions you changed and the lines the error names)", outline: false);
    }

    private void AppendWhole(StringBuilder text, string path, string content, string note)
    {
        var view = FileViews.Whole(path, content, note);
        text.Append(view);
        _budget -= content.Length;
        _shownWhole.Add(RepoPath.Normalize(path));
    }

    private void AppendPartial(StringBuilder text, string path, SourceText source, List<LineRange> wanted, string why, bool outline = true)
    {
        var view = FileViews.Partial(path, source, wanted, why, Math.Min(_options.MaxRegionChars, Math.Max(0, _budget)), _language, outline: outline);
        text.Append(view);
        _budget -= view.Length;
    }

    /// <summary>The lines the failure names in this file, with context; shown before anything else.</summary>
    private IEnumerable<LineRange> Pointed(string path, SourceText source, string? feedback) =>
        (string.IsNullOrEmpty(feedback) ? [] : _language.Locations(RepoPath.Normalize(path), feedback))
            .Where(n => n >= 1 && n <= source.LineCount)
            .Select(n => new LineRange(n, n).Widen(_options.ContextLines, source.LineCount));
}
