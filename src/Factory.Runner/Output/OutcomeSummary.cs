using System.Globalization;
using System.Text;
using Factory.Dataflow;

namespace Factory.Runner.Output;

/// <summary>The summary printed after <c>factory run</c>: one row per stage attempt, then the outcome, branch and run directory.</summary>
internal static class OutcomeSummary
{
    private static readonly string[] Header = ["stage", "model", "tokens in", "tokens out", "ms", "retries", "eval"];

    public static string Render(FeatureOutcome outcome)
    {
        var rows = new List<string[]> { Header };
        rows.AddRange(outcome.Stages.Select(s => new[]
        {
            s.Stage.ToDisplayName(),
            s.ServedBy ?? s.Model ?? "-",
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
            text.AppendLine(CultureInfo.InvariantCulture, $"reason: {reason.Trim()}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"branch: {outcome.Branch ?? "(none)"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"run directory: {outcome.RunDirectory ?? "(none)"}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"tokens: {outcome.TokensSpent}, cost: {outcome.CostSpent:0.####}, BUILD attempts: {outcome.BuildAttempts}, {outcome.Seconds:0.0} s");
        return text.ToString();
    }
}
