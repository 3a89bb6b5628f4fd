using System.CommandLine;
using Factory.Dataflow.Reporting;
using Factory.Dataflow.Reporting.Html;
using Factory.Dataflow.Tracing;

namespace Factory.Runner.Cli;

/// <summary>
/// <c>factory report &lt;runs-dir&gt; [--html &lt;file&gt;]</c>: Markdown to the terminal, report.json in the runs folder,
/// and optionally one self-contained HTML page with charts.
/// </summary>
internal static class ReportCommand
{
    public const string JsonFileName = "report.json";

    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string?>("runs-dir") { Description = "A runs folder (one run directory with trace.jsonl per request); with --remote, where the outcomes are collected.", Arity = ArgumentArity.ZeroOrOne };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML page with charts to this file (viewable offline)." };
        var remote = Queue.QueueCliOptions.Remote(required: false);
        var command = new Command("report", "Per-stage latency, tokens, cost, retries and eval failures; outcomes; the request with most BUILD attempts.") { runs, html, remote };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(
            () => parse.GetValue(remote) is { } url
                ? Queue.RemoteReport.WriteAsync(url, parse.GetValue(runs), parse.GetValue(html), output, cancellationToken)
                : WriteAsync(parse.GetValue(runs) ?? throw new RunnerException("report needs a runs folder, or --remote GIT-URL for the outcomes of shared workers."), parse.GetValue(html), output, cancellationToken),
            cancellationToken));
        return command;
    }

    internal static async Task<int> WriteAsync(string runsDirectory, string? htmlFile, TextWriter output, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(runsDirectory);
        if (!Directory.Exists(full))
        {
            throw new RunnerException($"The runs folder '{runsDirectory}' does not exist. Pass the --runs folder of an earlier run or batch.");
        }

        // Read the traces once; the Markdown/JSON report and the HTML page are two views of the same runs.
        var traces = TraceReader.ReadRuns(full);
        var report = RunReportBuilder.FromRuns(full, traces);
        var json = Path.Combine(full, JsonFileName);
        await File.WriteAllTextAsync(json, JsonReportRenderer.Render(report), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(MarkdownReportRenderer.Render(report)).ConfigureAwait(false);
        await output.WriteLineAsync($"JSON: {TerminalText.Line(json)}").ConfigureAwait(false);
        if (htmlFile is not null)
        {
            var page = Path.GetFullPath(htmlFile);
            if (Path.GetDirectoryName(page) is { } folder && !Directory.Exists(folder))
            {
                throw new RunnerException($"Cannot write the HTML report to '{htmlFile}': the folder '{folder}' does not exist.");
            }

            await HtmlReportWriter.WriteAsync(traces, page, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"HTML: {TerminalText.Line(page)}").ConfigureAwait(false);
        }
        return ExitCodes.Approved;
    }
}
