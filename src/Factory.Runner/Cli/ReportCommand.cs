using System.CommandLine;
using Factory.Dataflow.Reporting;

namespace Factory.Runner.Cli;

/// <summary><c>factory report &lt;runs-dir&gt;</c>: Markdown to the terminal and report.json in the runs folder.</summary>
internal static class ReportCommand
{
    public const string JsonFileName = "report.json";

    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string>("runs-dir") { Description = "A runs folder (one run directory with trace.jsonl per request)." };
        var command = new Command("report", "Per-stage latency, tokens, cost, retries and eval failures; outcomes; the request with most BUILD attempts.") { runs };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(() => WriteAsync(parse.GetValue(runs)!, output), cancellationToken));
        return command;
    }

    internal static async Task<int> WriteAsync(string runsDirectory, TextWriter output)
    {
        var full = Path.GetFullPath(runsDirectory);
        if (!Directory.Exists(full))
        {
            throw new RunnerException($"The runs folder '{runsDirectory}' does not exist. Pass the --runs folder of an earlier run or batch.");
        }

        var report = RunReportBuilder.FromDirectory(full);
        var json = Path.Combine(full, JsonFileName);
        await File.WriteAllTextAsync(json, JsonReportRenderer.Render(report)).ConfigureAwait(false);
        await output.WriteLineAsync(MarkdownReportRenderer.Render(report)).ConfigureAwait(false);
        await output.WriteLineAsync($"JSON: {json}").ConfigureAwait(false);
        return ExitCodes.Approved;
    }
}
