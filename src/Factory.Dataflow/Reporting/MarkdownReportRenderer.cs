using System.Globalization;
using System.Text;

namespace Factory.Dataflow.Reporting;

/// <summary>
/// Renders a <see cref="RunReport"/> as Markdown (GitHub tables), for a terminal or a pull request. Every value read from
/// the traces (request ids, stage and outcome names, unreadable lines) is escaped with <see cref="TerminalText.Line"/>:
/// a trace holds what models and tools wrote, and the report is printed on a terminal.
/// </summary>
public static class MarkdownReportRenderer
{
    /// <summary>The report as Markdown.</summary>
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Factory report: {TerminalText.Line(report.RunsDirectory)}");
        text.AppendLine();
        text.AppendLine(c, $"{report.Requests} requests, {report.Requests - report.Unfinished} finished, {report.Unfinished} unfinished.");
        text.AppendLine();
        text.AppendLine("## Stages");
        text.AppendLine();
        text.AppendLine("| stage | attempts | p50 ms | p95 ms | cpu ms | cpu ms/attempt | tokens in | tokens out | cost | retries | eval failure rate |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in report.Stages)
        {
            text.AppendLine(c,
                $"| {TerminalText.Line(s.Stage)} | {s.Attempts} | {s.P50Ms} | {s.P95Ms} | {Cpu(s.CpuMs)} | {Cpu(s.MeanCpuMs)} | {s.TokensIn} | {s.TokensOut} | {s.Cost:0.####} | {s.Retries} | {s.EvalFailureRate:P0} ({s.EvalFailures}) |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Flakiest stage: {TerminalText.Line(report.FlakiestStage ?? "none (every eval held)")}.");
        text.AppendLine();
        AppendPromptSizes(text, report.BuildPromptBytes);
        text.AppendLine("## Outcomes");
        text.AppendLine();
        text.AppendLine("| outcome | requests |");
        text.AppendLine("| --- | ---: |");
        foreach (var (outcome, count) in report.Outcomes)
        {
            text.AppendLine(c, $"| {TerminalText.Line(outcome)} | {count} |");
        }

        if (report.Unfinished > 0)
        {
            text.AppendLine(c, $"| (unfinished) | {report.Unfinished} |");
        }

        text.AppendLine();
        text.AppendLine(report.MostBuildAttempts is { } leader
            ? string.Create(c, $"Most BUILD attempts: {TerminalText.Line(leader.RequestId)} with {leader.BuildAttempts} ({TerminalText.Line(leader.Outcome ?? "unfinished")}).")
            : "Most BUILD attempts: no request reached BUILD.");
        if (report.Workers.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Workers");
            text.AppendLine();
            text.AppendLine("| worker | requests | approved | seconds |");
            text.AppendLine("| --- | ---: | ---: | ---: |");
            foreach (var w in report.Workers)
            {
                text.AppendLine(c, $"| {w.Worker} | {w.Requests} | {w.Approved} | {w.Seconds:0.#} |");
            }
        }

        foreach (var problem in report.Problems)
        {
            text.AppendLine(c, $"- unreadable trace line: {TerminalText.Line(problem)}");
        }

        return text.ToString();
    }

    private static string Cpu(long? milliseconds) => milliseconds?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static void AppendPromptSizes(StringBuilder text, IReadOnlyList<PromptSizeReport> sizes)
    {
        if (sizes.Count == 0)
        {
            return;
        }

        var c = CultureInfo.InvariantCulture;
        text.AppendLine("## BUILD prompt size");
        text.AppendLine();
        text.AppendLine("| attempt | prompts | mean bytes | max bytes |");
        text.AppendLine("| ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            text.AppendLine(c, $"| {size.Attempt} | {size.Prompts} | {size.MeanBytes} | {size.MaxBytes} |");
        }

        text.AppendLine();
    }
}
