using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed partial class ResumeTests(RunnerProcess runner)
{
    [Fact]
    public async Task A_batch_killed_hard_mid_way_resumes_with_exactly_one_outcome_per_request_and_nothing_left_behind()
    {
        const int Requests = 20;
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama, latency: TimeSpan.FromMilliseconds(40));
        var ids = Enumerable.Range(1, Requests).Select(i => $"feat{i:00}").ToList();
        var backlog = await WriteBacklogAsync(repo, ids);
        var env = RunnerTestKit.Environment(repo);
        string[] arguments = ["batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString()];

        string beforeKill;
        using (var first = runner.StartRunner(env, arguments))
        {
            await first.WaitForOutputAsync(o => Finished().Count(o) >= 4, TimeSpan.FromMinutes(5));
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
            beforeKill = await File.ReadAllTextAsync(Path.Combine(repo.RunsPath, "journal.jsonl"));
        }

        var finishedBeforeKill = Records(beforeKill).Where(r => r.Event == "finished").Select(r => r.Id).ToHashSet();
        var interrupted = Records(beforeKill).Where(r => r.Event == "started").Select(r => r.Id).Except(finishedBeforeKill).ToList();
        Assert.InRange(finishedBeforeKill.Count, 4, Requests - 1);

        var second = await runner.RunAsync(env, arguments);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"{finishedBeforeKill.Count} finished earlier", second.Output);
        var journal = Records(await File.ReadAllTextAsync(Path.Combine(repo.RunsPath, "journal.jsonl")));
        foreach (var id in ids)
        {
            Assert.Equal(1, journal.Count(r => r.Id == id && r.Event == "finished"));
            Assert.Equal("approved", journal.Single(r => r.Id == id && r.Event == "finished").Outcome);
            Assert.Equal(1, int.Parse(repo.Git("rev-list", "--count", $"main..factory/{id}").Trim(), CultureInfo.InvariantCulture));
        }

        foreach (var id in finishedBeforeKill)
        {
            // Finished requests are not run again.
            Assert.Equal(1, journal.Count(r => r.Id == id && r.Event == "started"));
        }

        Assert.Equal(ids.Order(), RunnerTestKit.FactoryBranches(repo).Select(b => b["factory/".Length..]).Order());
        Assert.Empty(RunnerTestKit.ExtraWorktrees(repo));
        Assert.All(Directory.EnumerateDirectories(repo.StatePath, "*", SearchOption.AllDirectories)
            .Where(d => Path.GetFileName(Path.GetDirectoryName(d)) == "worktrees"), d => Assert.Fail($"leftover worktree {d}"));
        Assert.True(interrupted.Count + finishedBeforeKill.Count <= Requests);
    }

    [Fact]
    public async Task Once_the_batch_budget_is_spent_no_new_request_starts_and_a_larger_budget_continues_the_batch()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        var ids = Enumerable.Range(1, 7).Select(i => $"item{i}").ToList();
        var backlog = await WriteBacklogAsync(repo, ids);
        var env = RunnerTestKit.Environment(repo);
        foreach (var stage in new[] { "Plan", "Scout", "Build", "Validate", "Test", "Review" })
        {
            // One request per stage at a time: six slots, so the seventh request waits and finds the budget spent.
            env[$"Factory__Pipeline__{stage}__MaxDegreeOfParallelism"] = "1";
        }

        string[] common = ["batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString()];

        var first = await runner.RunAsync(env, [.. common, "--max-tokens", "1"]);

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.True(first.Output.Contains("item7  not started  not started: batch budget spent", StringComparison.Ordinal), first.ToString());
        // The first request always starts (nothing is spent yet); how many more start before the first tokens are spent
        // depends on how fast PLAN answers, so the test counts them rather than assuming a number.
        var approved = Regex.Count(first.Output, @"^\d+  item\d  approved", RegexOptions.Multiline);
        var notStarted = Regex.Count(first.Output, @"^\d+  item\d  not started  not started: batch budget spent", RegexOptions.Multiline);
        Assert.True(approved >= 1 && approved + notStarted == 7, first.ToString());

        var second = await runner.RunAsync(env, [.. common, "--max-tokens", "100000000"]);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"{approved} finished earlier", second.Output);
        Assert.Equal(7, RunnerTestKit.FactoryBranches(repo).Count);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_batch_with_every_started_request_settled_in_the_journal_and_a_rerun_finishes_it()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama, latency: TimeSpan.FromMilliseconds(40));
        var ids = Enumerable.Range(1, 4).Select(i => $"feat{i:00}").ToList();
        var backlog = await WriteBacklogAsync(repo, ids);
        var env = RunnerTestKit.Environment(repo);
        string[] arguments = ["batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString()];

        RunResult stopped;
        using (var first = runner.StartRunner(env, arguments))
        {
            await first.WaitForOutputAsync(o => Finished().Count(o) >= 1, TimeSpan.FromMinutes(5));
            first.Interrupt();
            stopped = await first.WaitAsync(TimeSpan.FromMinutes(5));
        }

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        var journal = Records(await File.ReadAllTextAsync(Path.Combine(repo.RunsPath, "journal.jsonl")));
        foreach (var id in journal.Where(r => r.Event == "started").Select(r => r.Id))
        {
            // Stopped cleanly: every request that started is either finished or marked interrupted.
            Assert.Contains(journal, r => r.Id == id && r.Event is "finished" or "interrupted");
        }

        Assert.Empty(RunnerTestKit.ExtraWorktrees(repo));

        var second = await runner.RunAsync(env, arguments);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(ids.Order(), RunnerTestKit.FactoryBranches(repo).Select(b => b["factory/".Length..]).Order());
    }

    private static async Task<string> WriteBacklogAsync(SampleRepo repo, IEnumerable<string> ids)
    {
        var backlog = Path.Combine(repo.RunsPath, "..", "backlog.jsonl");
        await File.WriteAllLinesAsync(backlog, ids.Select(id =>
            JsonSerializer.Serialize(new { id, request = $"add a GET /{id} endpoint returning status ok" })));
        return backlog;
    }

    private static List<(string Event, string Id, string? Outcome)> Records(string journal) =>
    [
        .. journal.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(IsWholeRecord).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return (root.GetProperty("event").GetString()!, root.GetProperty("id").GetString()!,
                root.TryGetProperty("outcome", out var o) ? o.GetString() : null);
        }),
    ];

    private static bool IsWholeRecord(string line)
    {
        // A hard kill can tear the last line mid-write; the runner skips such a line, and so does the test.
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\[feat\d+\] approved", RegexOptions.Multiline)]
    private static partial Regex Finished();
}
