using System.Text.RegularExpressions;
using Factory.Dataflow.Distributed;
using Factory.Tests.Runner;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Distributed;

/// <summary>
/// The real <c>factory</c> processes around one NATS JetStream server and one bare git remote on this machine:
/// <c>batch --queue</c> publishes, three <c>worker</c> processes (one slot each) build on the scripted model replies
/// and real sandboxed gate processes (a syntax-only gate configuration, so twelve requests fit the test's time).
/// </summary>
[Collection(RunnerGroup.Name)]
public sealed partial class ClusterTests(RunnerProcess runner)
{
    private static readonly Dictionary<string, string> FastQueue = new()
    {
        ["Factory__Queue__AckWait"] = "00:00:06",
        ["Factory__Queue__Heartbeat"] = "00:00:01",
        ["Factory__Queue__PollWait"] = "00:00:01",
        ["Factory__Queue__MaxBackoff"] = "00:00:02",
        ["Factory__Queue__DrainTimeout"] = "00:00:30",
    };

    [Fact(Timeout = 900_000)]
    public async Task Three_workers_end_twelve_requests_exactly_once_though_one_is_killed_mid_request()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: true);
        await using var ollama = await FakeOllamaServer.StartAsync();

        // A little latency per model call, so a request is still running when its worker is killed.
        ScriptedModels.Install(ollama, TimeSpan.FromMilliseconds(100));
        var ids = Enumerable.Range(1, 12).Select(i => $"ep{i:D2}").ToList();
        var backlog = Path.Combine(remote.Scratch, "backlog.jsonl");
        await File.WriteAllLinesAsync(backlog, ids.Select(id => $"{{\"id\": \"{id}\", \"request\": \"add a GET /{id} endpoint returning status ok\"}}"));

        var publish = await runner.RunAsync(FastQueue, "batch", backlog, "--queue", nats.Url, "--remote", remote.Path);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Contains("12 queued, 0 already queued", publish.Output);

        var workers = Enumerable.Range(1, 3).Select(i => runner.StartRunner(FastQueue,
            "worker", "--queue", nats.Url, "--remote", remote.Path, "--slots", "1", "--name", $"w{i}",
            "--state", Path.Combine(remote.Scratch, $"state-w{i}"), "--runs", Path.Combine(remote.Scratch, $"runs-w{i}"),
            "--ollama", ollama.BaseUri.ToString())).ToList();
        try
        {
            var victim = await await Task.WhenAny(workers.Select(async w =>
            {
                await w.WaitForOutputAsync(o => Started().IsMatch(o), TimeSpan.FromMinutes(5));
                return w;
            }));
            victim.Process.Kill();
            var victimName = $"w{workers.IndexOf(victim) + 1}";
            var killedId = Started().Match(victim.Output).Groups[1].Value;

            await QueueHarness.EventuallyAsync(
                () => Task.FromResult(remote.Refs().Keys.Count(k => k.StartsWith(GitOutcomeStore.OutcomeRefPrefix, StringComparison.Ordinal)) == 12),
                600, "twelve outcome refs\n" + string.Join("\n---\n", workers.Select(w => w.Output)));
            var options = new QueueOptions { Url = nats.Url, Remote = remote.Path };
            await QueueHarness.EventuallyAsync(async () => await QueueHarness.PendingAsync(options) == 0, 120, "an empty stream");

            var refs = remote.Refs();
            Assert.Equal(
                ids.Select(id => GitOutcomeStore.OutcomeRefPrefix + id).Concat(ids.Select(id => "refs/heads/factory/" + id)).Append("refs/heads/main").Order(StringComparer.Ordinal),
                refs.Keys.Order(StringComparer.Ordinal));
            foreach (var id in ids)
            {
                Assert.Equal(remote.Base, remote.Git("rev-parse", $"factory/{id}^").Trim());
                Assert.Equal("1", remote.Git("rev-list", "--count", $"{remote.Base}..factory/{id}").Trim());
                var record = OutcomeRecord.Decode(remote.Git("show", $"{GitOutcomeStore.OutcomeRefPrefix}{id}:outcome.json"));
                Assert.Equal(("approved", refs["refs/heads/factory/" + id]), (record.Status, record.Commit));
                Assert.NotEqual(victimName, record.Worker);
            }

            var killed = OutcomeRecord.Decode(remote.Git("show", $"{GitOutcomeStore.OutcomeRefPrefix}{killedId}:outcome.json"));
            Assert.True(killed.Delivery >= 2, $"{killedId} was pushed at delivery {killed.Delivery} by {killed.Worker}");

            // The survivors stop gracefully on SIGTERM.
            foreach (var survivor in workers.Where(w => w != victim))
            {
                using var term = System.Diagnostics.Process.Start("kill", ["-TERM", survivor.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await term.WaitForExitAsync();
                var ended = await survivor.WaitAsync(TimeSpan.FromMinutes(2));
                Assert.True(ended.ExitCode == 0, ended.ToString());
                Assert.Contains("stopped.", ended.Output);
            }

            var page = Path.Combine(remote.Scratch, "report.html");
            var report = await runner.RunAsync(FastQueue, "report", "--remote", remote.Path, Path.Combine(remote.Scratch, "collected"), "--html", page);
            Assert.True(report.ExitCode == 0, report.ToString());
            Assert.Contains("| approved | 12 |", report.Output);
            Assert.Contains("## Workers", report.Output);
            var perWorker = Regex.Matches(report.Output, @"^\| (w[123]) \| (\d+) \| (\d+) \|", RegexOptions.Multiline);
            Assert.Equal(12, perWorker.Sum(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.DoesNotContain(perWorker, m => m.Groups[1].Value == victimName && m.Groups[2].Value != "0");
            Assert.Contains("\"workers\":[{\"name\":\"w", await File.ReadAllTextAsync(page), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task A_worker_that_cannot_reach_nats_exits_2_naming_the_address()
    {
        using var remote = SharedRemote.Create(fastGates: true);
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        var nowhere = $"nats://127.0.0.1:{LocalNats.FreePort()}";

        var result = await runner.RunAsync(FastQueue, "worker", "--queue", nowhere, "--remote", remote.Path,
            "--state", Path.Combine(remote.Scratch, "state"), "--ollama", ollama.BaseUri.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(nowhere, result.Error);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_worker_that_cannot_reach_the_remote_exits_2_naming_it()
    {
        await using var nats = await LocalNats.StartAsync();
        using var scratch = new Support.TempDirectory("factory-no-remote");
        var missing = Path.Combine(scratch.Path, "no-such-remote.git");

        var result = await runner.RunAsync(FastQueue, "worker", "--queue", nats.Url, "--remote", missing, "--state", Path.Combine(scratch.Path, "state"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(missing, result.Error);
    }

    [GeneratedRegex(@"^started (\S+) delivery=1", RegexOptions.Multiline)]
    private static partial Regex Started();
}
