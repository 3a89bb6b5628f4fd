using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Factory.Dataflow.Toolchains;

namespace Factory.Dataflow.Stages.Build.Views;

/// <summary>
/// Cuts a failure text down to what BUILD can act on before it goes into BUILD's prompt (the trace keeps it whole): the
/// sections of tools that passed and what the toolchain calls noise (<see cref="IToolchainFeedback"/>; for Python,
/// pytest's session header, progress and warnings summary, and coverage rows of fully covered files) are dropped, and
/// whatever is still longer than the cap keeps its head and tail. The tools' own words for the failure are never rewritten.
/// </summary>
internal static partial class GateFeedbackTrimmer
{
    public static string Trim(string feedback, int maxChars, IToolchainFeedback language)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(language);
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
            else if (language.OpensNoiseSection(line) is { } noise)
            {
                skipping = noise;
                if (skipping)
                {
                    continue;
                }
            }

            if (skipping || language.IsNoise(line) || (line.Length == 0 && kept.Count > 0 && kept[^1].Length == 0))
            {
                continue;
            }

            kept.Add(line);
        }

        var text = string.Join('\n', kept).Trim('\n');
        return text.Length <= maxChars ? text : Cut(text, maxChars);
    }

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
}
