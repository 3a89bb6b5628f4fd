using System.Globalization;
using System.Text.RegularExpressions;

namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// Python's outlines (<see cref="PythonOutline"/>), what of pytest's, ruff's, mypy's and coverage.py's output BUILD can
/// do without (pytest's session header, progress and warnings summary, coverage rows of fully covered files), and the
/// locations they print ("app/main.py:12: error ...", "File \".../app/main.py\", line 12").
/// </summary>
internal sealed partial class PythonFeedback : IToolchainFeedback
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private PythonFeedback()
    {
    }

    /// <summary>The one instance.</summary>
    public static PythonFeedback Instance { get; } = new();

    /// <inheritdoc />
    public IEnumerable<int> Outline(string path, IReadOnlyList<string> lines) =>
        PythonOutline.Applies(path) ? PythonOutline.Definitions(lines) : [];

    /// <inheritdoc />
    /// <remarks>pytest's "=== title ===" banners: its session header and warnings summary are noise.</remarks>
    public bool? OpensNoiseSection(string line) =>
        PytestBanner().Match(line) is { Success: true } banner ? banner.Groups[1].Value is "warnings summary" or "test session starts" : null;

    /// <inheritdoc />
    public bool IsNoise(string line) =>
        line.StartsWith("platform ", StringComparison.Ordinal) || line.StartsWith("rootdir: ", StringComparison.Ordinal) ||
        line.StartsWith("configfile: ", StringComparison.Ordinal) || line.StartsWith("plugins: ", StringComparison.Ordinal) ||
        line.StartsWith("cachedir: ", StringComparison.Ordinal) || Collected().IsMatch(line) || Progress().IsMatch(line) ||
        FullyCovered().IsMatch(line);

    /// <inheritdoc />
    public IEnumerable<int> Locations(string path, string feedback)
    {
        var escaped = Regex.Escape(path);
        var pattern = new Regex($@"(?:^|[\s""'(/]){escaped}(?::(\d+)|"", line (\d+))", RegexOptions.Multiline, MatchTimeout);
        foreach (Match match in pattern.Matches(feedback))
        {
            var number = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            yield return int.Parse(number, CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex(@"^={3,} (.+?) ={3,}$")]
    private static partial Regex PytestBanner();

    [GeneratedRegex(@"^collect(?:ed|ing) \d+ items?")]
    private static partial Regex Collected();

    [GeneratedRegex(@"^\S+\.py [.sxXfFE]+\s*\[\s*\d+%\]$")]
    private static partial Regex Progress();

    [GeneratedRegex(@"^\S+\.py\s+\d+\s+0\s+(?:\d+\s+0\s+)?100%$")]
    private static partial Regex FullyCovered();
}
