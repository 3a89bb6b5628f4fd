using Factory.Dataflow.Gates.Baseline;
using Factory.Tests.Support;

namespace Factory.Tests.Gates.Baseline;

public sealed class BaselineStoreTests
{
    private static GateBaseline Sample(string tree) => new()
    {
        Tree = tree,
        Commit = "c0ffee",
        ComputedAt = DateTimeOffset.UnixEpoch,
        LintFindings = ["a.py\u001fF401\u001fimport os"],
        TypeFindings = [],
        Tests = new Dictionary<string, TestOutcome> { ["tests.test_a::test_x"] = TestOutcome.Failed },
        Coverage = new CoverageData { Files = new Dictionary<string, FileCoverage> { ["app/m.py"] = new([1, 2, 4], [1, 2]) } },
        SuiteSeconds = 1.5,
    };

    [Fact]
    public async Task Concurrent_requests_compute_a_baseline_once_and_later_runs_read_it_back_whole()
    {
        using var folder = new TempDirectory("factory-baselines");
        var computed = 0;
        var release = new TaskCompletionSource();
        async Task<GateBaseline> Compute(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref computed);
            await release.Task.WaitAsync(cancellationToken);
            return Sample("tree-1");
        }

        var store = new BaselineStore(folder.Path);
        var waiting = Enumerable.Range(0, 8).Select(_ => store.GetOrCreateAsync("key-1", Compute, CancellationToken.None)).ToList();
        release.SetResult();
        var results = await Task.WhenAll(waiting).Within();

        Assert.Equal(1, computed);
        Assert.All(results, r => Assert.Equal("tree-1", r.Tree));
        var reread = await new BaselineStore(folder.Path).GetOrCreateAsync("key-1", _ => throw new InvalidOperationException("must not compute again"), CancellationToken.None);
        Assert.Equal(TestOutcome.Failed, reread.Tests["tests.test_a::test_x"]);
        Assert.Equal(100.0 * 2 / 3, reread.Coverage.TotalPercent, 6);
        Assert.Equal([1, 2, 4], reread.Coverage.Files["app/m.py"].Statements);
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task A_baseline_another_process_is_computing_is_waited_for_through_its_lock_file()
    {
        using var folder = new TempDirectory("factory-baselines");
        var store = new BaselineStore(folder.Path);

        // Another process holds the lock while it computes; it writes the result and lets go.
        var held = new FileStream(store.PathFor("key-2") + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var waiting = store.GetOrCreateAsync("key-2", _ => throw new InvalidOperationException("the other process computes it"), CancellationToken.None);
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);
        await new BaselineStore(folder.Path + "-other").GetOrCreateAsync("key-2", _ => Task.FromResult(Sample("tree-2")), CancellationToken.None);
        File.Copy(Path.Combine(folder.Path + "-other", "key-2.json"), store.PathFor("key-2"));
        Directory.Delete(folder.Path + "-other", recursive: true);
        await held.DisposeAsync();

        Assert.Equal("tree-2", (await waiting.Within()).Tree);
    }
}
