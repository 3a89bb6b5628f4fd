using Factory.Dataflow;

namespace Factory.Tests.Gates.Selection;

/// <summary>
/// TEST with and without the fail-fast run of the tests that cover what the change touches, on real pytest: the same
/// verdict either way, and the first run a strict subset of the suite.
/// </summary>
public sealed class SelectedRunTests
{
    private const string Util = "def double(x: int) -> int:\n    return 2 * x\n";

    private const string UtilTest = "from app.util import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n";

    private const string TripleTest = "from app.util import triple\n\n\ndef test_triple() -> None:\n    assert triple(2) == 6\n";

    private static readonly FileEdit s_tripleTest = new("tests/test_triple.py", TripleTest);

    [Fact]
    public async Task A_breaking_change_fails_fast_on_the_covering_tests_with_the_same_failing_test_as_the_whole_suite()
    {
        await using var gates = await TwoModulesAsync();
        await gates.BuildAsync(new FileEdit("app/util.py", Util.Replace("2 * x", "2 * x + 1") + "\n\ndef triple(x: int) -> int:\n    return 3 * x\n"));

        var (whole, wholeUsage) = await AttemptAsync(gates, select: false);
        var (selected, selectedUsage) = await AttemptAsync(gates, select: true);

        const string Broken = "TEST failed: the change breaks 1 test that passed on the base commit: tests.test_util::test_double (failed)";
        Assert.False(whole.Ok);
        Assert.False(selected.Ok);
        Assert.StartsWith(Broken + ". Also: patch coverage", whole.Detail);
        Assert.StartsWith(Broken + ". (Found by the 1 test that runs the code the change touches, and the new tests, run first", selected.Detail);

        // The first run held test_double (it runs app/util.py) and the new test, not test_root: a strict subset, and the only run.
        Assert.Equal(1, selectedUsage["selected_tests"]);
        Assert.Equal(1, selectedUsage["pytest_runs"]);
        Assert.Contains("1 failed, 2 passed", whole.Detail);
        Assert.Contains("1 failed, 1 passed", selected.Detail);
        Assert.Null(wholeUsage["selected_tests"]);
        Assert.Equal(1, wholeUsage["pytest_runs"]);
    }

    [Fact]
    public async Task A_passing_change_runs_the_covering_tests_first_and_is_judged_on_the_whole_suite_with_the_same_verdict()
    {
        await using var gates = await TwoModulesAsync();
        await gates.BuildAsync(new FileEdit("app/util.py", Util + "\n\ndef triple(x: int) -> int:\n    return 3 * x\n"));

        var (whole, wholeUsage) = await AttemptAsync(gates, select: false);
        var (selected, selectedUsage) = await AttemptAsync(gates, select: true);

        Assert.True(whole.Ok, whole.Detail);
        Assert.True(selected.Ok, selected.Detail);
        Assert.Equal(Summary(whole.Detail), Summary(selected.Detail));
        Assert.StartsWith("TEST passed: 3 tests passed (1 new)", Summary(selected.Detail));
        Assert.Equal(1, selectedUsage["selected_tests"]);

        // Without selection: the whole suite and the new test on the base commit. With it: the selected run first, then
        // the whole suite; the base check is read from the first attempt's answer (same base, same new test).
        Assert.Equal(2, wholeUsage["pytest_runs"]);
        Assert.Equal("ran", wholeUsage["base_check"]);
        Assert.Equal(2, selectedUsage["pytest_runs"]);
        Assert.Equal("cached", selectedUsage["base_check"]);
    }

    [Fact]
    public async Task A_change_to_a_module_every_test_runs_goes_to_the_whole_suite_directly()
    {
        await using var gates = await TwoModulesAsync();
        await gates.BuildAsync(
            new FileEdit("app/util.py", Util + "\n\ndef triple(x: int) -> int:\n    return 3 * x\n"),
            new FileEdit("app/main.py", GateFixture.HealthRoute));

        var (_, usage) = await AttemptAsync(gates, select: true);

        Assert.Null(usage["selected_tests"]);
        Assert.Equal("every test of the base commit runs code the change touches", usage["selection"]);
    }

    private static async Task<(StageResult Result, IReadOnlyDictionary<string, object?> Usage)> AttemptAsync(GateFixture gates, bool select)
    {
        gates.Options.TestSelectionMinimumSuite = select ? TimeSpan.Zero : TimeSpan.MaxValue;
        return await gates.TestTracedAsync(new FixedTestWriter([s_tripleTest]));
    }

    /// <summary>The verdict, without pytest's output (which holds timings).</summary>
    private static string Summary(string detail) => detail[..detail.IndexOf("\npytest's output", StringComparison.Ordinal)];

    /// <summary>The sample app with a second module, app/util.py, and its own test: two tests, each running one module.</summary>
    private static Task<GateFixture> TwoModulesAsync() => GateFixture.CreateAsync(baseFiles: new Dictionary<string, string?>
    {
        ["app/util.py"] = Util,
        ["tests/test_util.py"] = UtilTest,
    });
}
