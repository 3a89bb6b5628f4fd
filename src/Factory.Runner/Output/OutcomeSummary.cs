using System.Globalization;
using System.Text;
using Factory.Dataflow;
using Factory.Dataflow.Reporting;

namespace Factory.Runner.Output;

/// <summary>
/// The summary printed after <c>factory run</c>: one row per stage attempt, then the outcome, branch and run directory.
/// Text that came from a model or a tool is escaped (<see cref="TerminalText"/>): one-line fields stay one line.
/// </summary>
internal static class OutcomeSummary
{
    private static readonly string[] Header = ["stage", "model", "tokens in", "tokens out", "ms", "retries", "eval"];

    public static string Render(FeatureOutcome outcome)
    {
        var rows = new List<string[]> { Header };
        rows.AddRange(outcome.Stages.Select(s => new[]
        {
            s.Stage.ToDisplayName(),
            TerminalText.Line(s.ServedBy ?? s.Model ?? "-"),
            s.TokensIn.ToString(CultureInfo.InvariantCulture),
            s.TokensOut.ToString(CultureInfo.InvariantCulture),
            s.Ms.ToString(CultureInfo.InvariantCulture),
            s.Retries.ToString(CultureInfo.InvariantCulture),
            s.EvalOk ? "ok" : "failed",
        }));
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"outcome: {outcome.StatusName}");
        if (outcome.Reason is { } reason)
        {
            // Multi-line by design (REVIEW's reasons, a gate's output), so newlines stay.
            text.AppendLine(CultureInfo.InvariantCulture, $"reason: {TerminalText.Escape(reason.Trim())}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"branch: {TerminalText.Line(outcome.Branch ?? "(none)")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"run directory: {TerminalText.Line(outcome.RunDirectory ?? "(none)")}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"tokens: {outcome.TokensSpent}, cost: {outcome.CostSpent:0.####}, BUILD attempts: {outcome.BuildAttempts}, {outcome.Seconds:0.0} s");
        return text.ToString();
    }
}
