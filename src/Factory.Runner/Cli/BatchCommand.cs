using System.CommandLine;
using System.Globalization;
using Factory.Dataflow.Hosting.Registration;
using Factory.Dataflow.Reporting;
using Factory.Runner.Batch;
using Factory.Runner.Hosting;
using Factory.Runner.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Runner.Cli;

/// <summary>
/// <c>factory batch &lt;backlog&gt; --repo &lt;path&gt; --runs &lt;dir&gt;</c>: every request of a backlog, concurrently, resumable
/// from the journal in the runs folder, within an optional batch-wide budget.
/// </summary>
internal static class BatchCommand
{
    public static Command Create(TextWriter output)
    {
        var backlog = new Argument<string>("backlog") { Description = "One request a line (# comments and blank lines skipped), or JSON lines {\"id\": ..., \"request\": ...}." };
        var repo = CommonOptions.Repo(required: false);
        var runs = CommonOptions.Runs(required: false);
        var ollama = CommonOptions.Ollama();
        var maxTokens = CommonOptions.MaxTokens("The most tokens the whole batch may spend (earlier runs of it included); then no new request starts.");
        var maxCost = CommonOptions.MaxCost("The most the whole batch may cost (earlier runs of it included); then no new request starts.");
        var set = CommonOptions.Set();
        var queue = new Queue.QueueBatchOptions();
        var command = new Command("batch", "Run a backlog of requests concurrently; run it again to resume after a crash or Ctrl-C. With --queue: publish it to shared workers.")
        {
            backlog, repo, runs, ollama, maxTokens, maxCost, set, queue.Queue, queue.Remote, queue.Base, queue.Wait,
        };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(() =>
        {
            if (queue.IsUsed(parse))
            {
                return queue.RunAsync(parse, parse.GetValue(backlog)!, output, cancellationToken);
            }

            _ = parse.GetValue(repo) ?? throw new RunnerException("batch needs --repo (and --runs), or --queue with --remote to publish to shared workers.");
            _ = parse.GetValue(runs) ?? throw new RunnerException("batch needs --runs: the folder for the journal and the run directories.");
            var settings = new RunnerSettings(
                CommonOptions.RequireFolder(parse.GetValue(repo)!, "--repo"), parse.GetValue(runs)!, parse.GetValue(ollama),
                Set: CommonOptions.Settings(parse.GetValue(set)));
            return RunAsync(parse.GetValue(backlog)!, settings, new BatchBudget(CommonOptions.Positive(parse.GetValue(maxTokens), "--max-tokens"), CommonOptions.Positive(parse.GetValue(maxCost), "--max-cost")), output, cancellationToken);
        }, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(
        string backlogPath, RunnerSettings settings, BatchBudget budget, TextWriter output, CancellationToken cancellationToken)
    {
        var backlog = Backlog.Read(backlogPath);
        foreach (var problem in backlog.Problems)
        {
            await output.WriteLineAsync(TerminalText.Line($"{backlogPath}: {problem} (skipped; the other lines still run)")).ConfigureAwait(false);
        }

        using var host = await RunnerHost.StartAsync(settings, cancellationToken).ConfigureAwait(false);
        var gates = await EnvironmentPreflight.CheckAsync(host, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(Factory.Dataflow.Reporting.TerminalText.Escape(gates.Describe())).ConfigureAwait(false);
        var options = host.Options();
        var runsDirectory = options.Pipeline.RunsDirectory!;
        using var journal = BatchJournal.Open(runsDirectory);
        foreach (var problem in journal.Problems)
        {
            await output.WriteLineAsync(TerminalText.Line(problem)).ConfigureAwait(false);
        }

        var time = TimeProvider.System;
        var restarted = await InterruptedRequests.SettleAsync(
            journal, backlog.Entries, runsDirectory, options.Workspace.RepositoryPath, options.Workspace.BranchPrefix, time, cancellationToken)
            .ConfigureAwait(false);

        var results = new List<BatchLineResult>(backlog.Problems.Select(p => new BatchLineResult(p.Line, null, "malformed", p.Reason, false)));
        var pending = new List<BacklogEntry>();
        foreach (var entry in backlog.Entries)
        {
            if (journal.Last(entry.Request.Id) is { Event: JournalRecord.Finished } done)
            {
                results.Add(new BatchLineResult(entry.Line, entry.Request.Id, done.Outcome ?? "?", done.Outcome == "approved" ? done.Branch : done.Reason, true));
            }
            else
            {
                pending.Add(entry);
            }
        }

        var finished = journal.LastRecords().Where(r => r.Event == JournalRecord.Finished).ToList();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"batch: {backlog.Entries.Count} requests, {backlog.Entries.Count - pending.Count} finished earlier, {restarted} interrupted earlier and restarted, {pending.Count} to run; journal {journal.Path}"))
            .ConfigureAwait(false);

        await using (var view = ProgressViews.Create(output, $"factory batch: {Path.GetFileName(backlogPath)}"))
        {
            var sink = new ProgressTraceSink(view);
            await using var pipeline = host.Services.GetRequiredService<FactoryPipelineFactory>().Create(b => b.AddTraceSink(sink));
            var o = pipeline.Options;
            var slots = o.Plan.MaxDegreeOfParallelism + o.Scout.MaxDegreeOfParallelism + o.Build.MaxDegreeOfParallelism
                + o.Validate.MaxDegreeOfParallelism + o.Test.MaxDegreeOfParallelism + o.Review.MaxDegreeOfParallelism;
            var runner = new BatchRunner(pipeline, journal, sink, view, budget, time);
            results.AddRange(await runner.RunAsync(pending, finished.Sum(r => r.Tokens), finished.Sum(r => r.Cost), slots, cancellationToken).ConfigureAwait(false));
        }

        results.AddRange(BatchVerdict.Unfinished(backlog, journal, results));
        await output.WriteLineAsync(Summary(results)).ConfigureAwait(false);
        return BatchVerdict.ExitCode(backlog, journal, cancellationToken.IsCancellationRequested);
    }

    internal static string Summary(List<BatchLineResult> results)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("line  id  outcome  detail");
        foreach (var r in results.OrderBy(r => r.Line))
        {
            var detail = r.Detail is null ? "" : PlainProgressView.FirstLine(r.Detail);
            text.AppendLine(TerminalText.Line(string.Create(CultureInfo.InvariantCulture, $"{r.Line}  {r.Id ?? "-"}  {r.Status}{(r.Earlier ? " (earlier run)" : "")}  {detail}").TrimEnd()));
        }

        text.AppendLine();
        text.Append(string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}")));
        return text.ToString();
    }
}
