using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Factory.Dataflow.Stages.Build.Views;

/// <summary>
/// Cuts a failure text down to what BUILD can act on before it goes into BUILD's prompt (the trace keeps it whole): the
/// sections of tools that passed, pytest's session header, progress and warnings summary, and coverage rows of fully
/// covered files are dropped, and whatever is still longer than the cap keeps its head and tail. The tools' own words
/// for the failure are never rewritten.
/// </summary>
internal static partial class GateFeedbackTrimmer
{
    public static string Trim(string feedback, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var kept = new List<string>();
        var skipping = false;
        foreach (var raw in feedback.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (SectionHeader().Match(line) is { Success: true } section)
            {
                // "--- ruff check . (exit 0) ---": a tool that passed has nothing for BUILD to fix.
                skipping = section.Groups[2].Value == "0";
                if (skipping)
                {
                    kept.Add($"--- {section.Groups[1].Value} passed ---");
                    continue;
                }
            }
            else if (PytestBanner().Match(line) is { Success: true } banner)
            {
                skipping = banner.Groups[1].Value is "warnings summary" or "test session starts";
                if (skipping)
                {
                    continue;
                }
            }

            if (skipping || IsNoise(line) || (line.Length == 0 && kept.Count > 0 && kept[^1].Length == 0))
            {
                continue;
            }

            kept.Add(line);
        }

        var text = string.Join('\n', kept).Trim('\n');
        return text.Length <= maxChars ? text : Cut(text, maxChars);
    }

    private static bool IsNoise(string line) =>
        line.StartsWith("platform ", StringComparison.Ordinal) || line.StartsWith("rootdir: ", StringComparison.Ordinal) ||
        line.StartsWith("configfile: ", StringComparison.Ordinal) || line.StartsWith("plugins: ", StringComparison.Ordinal) ||
        line.StartsWith("cachedir: ", StringComparison.Ordinal) || Collected().IsMatch(line) || Progress().IsMatch(line) ||
        FullyCovered().IsMatch(line);

    private static string Cut(string text, int maxChars)
    {
        var head = text[..(maxChars * 3 / 5)];
        var tail = text[^(maxChars * 2 / 5)..];
        head = head[..(head.LastIndexOf('\n') is var h && h > 0 ? h : head.Length)];
        tail = tail[(tail.IndexOf('\n') is var t && t >= 0 ? t + 1 : 0)..];
        var cut = text.Length - head.Length - tail.Length;
        return new StringBuilder(head).Append(CultureInfo.InvariantCulture, $"\n... ({cut:N0} characters cut) ...\n").Append(tail).ToString();
    }

    [GeneratedRegex(@"^--- (.+) \(exit (-?\d+)\) ---$")]
    private static partial Regex SectionHeader();

    [GeneratedRegex(@"^={3,} (.+?) ={3,}$")]
    private static partial Regex PytestBanner();

    [GeneratedRegex(@"^collect(?:ed|ing) \d+ items?")]
    private static partial Regex Collected();

    [GeneratedRegex(@"^\S+\.py [.sxXfFE]+\s*\[\s*\d+%\]$")]
    private static partial Regex Progress();

    [GeneratedRegex(@"^\S+\.py\s+\d+\s+0\s+(?:\d+\s+0\s+)?100%$")]
    private static partial Regex FullyCovered();
}
