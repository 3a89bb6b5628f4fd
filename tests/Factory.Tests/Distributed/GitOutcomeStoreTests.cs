using Factory.Dataflow.Distributed;
using Factory.Tests.Support;

namespace Factory.Tests.Distributed;

public sealed class GitOutcomeStoreTests
{
    [Fact(Timeout = 120_000)]
    public async Task Of_two_workers_pushing_one_request_at_once_exactly_one_wins_and_the_remote_holds_only_its_refs()
    {
        using var remote = SharedRemote.Create(fastGates: false);
        var store = new GitOutcomeStore(remote.Path);
        var pushes = Enumerable.Range(1, 2).Select(i =>
        {
            // Each worker has its own clone with its own commit for the same request.
            var clone = Path.Combine(remote.Scratch, $"clone{i}");
            SampleRepo.RunGit(remote.Scratch, "clone", "--quiet", remote.Path, clone);
            File.WriteAllText(Path.Combine(clone, "app", "zeta.py"), $"WORKER = {i}\n");
            SampleRepo.RunGit(clone, "add", "-A");
            SampleRepo.RunGit(clone, "-c", "user.name=w", "-c", "user.email=w@x", "commit", "--quiet", "-m", $"zeta by worker {i}");
            var commit = SampleRepo.RunGit(clone, "rev-parse", "HEAD").Trim();
            var record = OutcomeRecord.Fail("zeta", "add zeta", remote.Base, "", $"w{i}", 1, DateTimeOffset.UnixEpoch) with { Status = "approved", Reason = null, Commit = commit, Branch = "factory/zeta" };
            return (Commit: commit, Push: new OutcomeToPush(record, record.FinalTraceLine(), null, commit, clone));
        }).ToList();

        var results = await Task.WhenAll(pushes.Select(p => store.PushAsync(p.Push, CancellationToken.None).AsTask()));

        Assert.Equal([OutcomePushResult.Won, OutcomePushResult.Lost], results.Order());
        var winner = pushes[Array.IndexOf(results, OutcomePushResult.Won)];
        var refs = remote.Refs();
        Assert.Equal(winner.Commit, refs["refs/heads/factory/zeta"]);
        Assert.Equal(winner.Push.Record.Worker, OutcomeRecord.Decode(remote.Git("show", "refs/factory/outcomes/zeta:outcome.json")).Worker);
        Assert.Equal(3, refs.Count);
        Assert.True(await store.ExistsAsync("zeta", CancellationToken.None));
        Assert.Equal(["zeta"], await store.ListAsync(CancellationToken.None));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreachable_remote_is_an_infrastructure_error_that_names_it()
    {
        using var scratch = new TempDirectory("factory-no-remote");
        var missing = Path.Combine(scratch.Path, "gone.git");
        var store = new GitOutcomeStore(missing);

        var error = await Assert.ThrowsAsync<OutcomeStoreUnavailableException>(() => store.ExistsAsync("x", CancellationToken.None).AsTask());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
