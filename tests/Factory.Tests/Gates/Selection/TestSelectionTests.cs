using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Toolchains.Python.Gates.Selection;

namespace Factory.Tests.Gates.Selection;

/// <summary>Which tests run first, from the base commit's per-test coverage: the rules, on a folder of real files.</summary>
public sealed class TestSelectionTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("factory-selection-");

    public TestSelectionTests()
    {
        foreach (var file in new[] { "app/a.py", "app/b.py", "app/c.py", "app/data.json", "tests/test_a.py", "tests/test_b.py", "tests/test_c.py" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root.FullName, file))!);
            File.WriteAllText(Path.Combine(_root.FullName, file), "");
        }
    }

    [Fact]
    public void A_change_to_one_module_selects_the_tests_that_ran_it_and_the_new_tests()
    {
        var selection = Choose(["app/a.py"], ["tests/test_new.py", "tests/helpers.py"]);

        Assert.True(selection.Selects, selection.Reason);
        Assert.Equal(["tests/test_a.py::test_a", "tests/test_a.py::test_a_and_b", "tests/test_new.py"], selection.Paths);
        Assert.Equal(2, selection.Existing);
    }

    [Theory]
    [InlineData("app/c.py", "no test of the base commit runs code in app/c.py")]
    [InlineData("app/data.json", "no test of the base commit runs code in app/data.json")]
    [InlineData("conftest.py", "the change touches conftest.py, which configures every test")]
    [InlineData("tests/conftest.py", "the change touches tests/conftest.py, which configures every test")]
    [InlineData("pyproject.toml", "the change touches pyproject.toml, which configures every test")]
    [InlineData("tests/test_b.py", "the change touches tests/test_b.py, in a test folder, besides the new tests")]
    public void A_change_to_a_file_no_test_covers_or_to_configuration_runs_the_whole_suite_directly(string touched, string reason)
    {
        var selection = Choose(["app/a.py", touched], []);

        Assert.False(selection.Selects);
        Assert.Equal(reason, selection.Reason);
    }

    [Fact]
    public void A_change_whose_covering_tests_are_the_whole_suite_runs_it_directly()
    {
        var selection = Choose(["app/a.py", "app/b.py"], ["tests/test_new.py"]);

        Assert.False(selection.Selects);
        Assert.Equal("every test of the base commit runs code the change touches", selection.Reason);
    }

    [Fact]
    public void A_deleted_module_counts_as_touched()
    {
        File.Delete(Path.Combine(_root.FullName, "app/b.py"));

        var selection = Choose(["app/a.py"], []);

        Assert.False(selection.Selects);
        Assert.Equal("every test of the base commit runs code the change touches", selection.Reason);
    }

    [Fact]
    public void A_short_suite_or_an_unknown_per_test_coverage_runs_the_whole_suite_directly()
    {
        var shortSuite = TestSelection.Choose(Baseline(), GateConfig.Default, _root.FullName, ["app/a.py"], [], TimeSpan.FromSeconds(30));
        var unknown = TestSelection.Choose(Baseline() with { TestsByFile = null }, GateConfig.Default, _root.FullName, ["app/a.py"], [], TimeSpan.Zero);

        Assert.False(shortSuite.Selects);
        Assert.StartsWith("the base suite takes 10 s, under GateOptions.TestSelectionMinimumSuite (30 s)", shortSuite.Reason);
        Assert.False(unknown.Selects);
        Assert.Equal("the base commit's per-test coverage is unknown", unknown.Reason);
    }

    [Fact]
    public void Node_ids_that_do_not_name_worktree_files_turn_selection_off()
    {
        var baseline = Baseline() with
        {
            TestsByFile = new Dictionary<string, IReadOnlyList<string>> { ["app/a.py"] = ["test_a.py::test_a"], ["app/b.py"] = ["test_b.py::test_b"] },
        };

        var selection = TestSelection.Choose(baseline, GateConfig.Default, _root.FullName, ["app/a.py"], [], TimeSpan.Zero);

        Assert.False(selection.Selects);
        Assert.Contains("pytest's rootdir is elsewhere", selection.Reason);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private TestSelection Choose(IReadOnlyCollection<string> changed, IReadOnlyCollection<string> newTests) =>
        TestSelection.Choose(Baseline(), GateConfig.Default, _root.FullName, changed, newTests, TimeSpan.Zero);

    /// <summary>Three tests: test_a runs a.py, test_b runs b.py, test_a_and_b both; nothing runs c.py.</summary>
    private static GateBaseline Baseline() => new()
    {
        Tree = "tree",
        Commit = "commit",
        ComputedAt = DateTimeOffset.UnixEpoch,
        LintFindings = [],
        TypeFindings = [],
        Tests = new Dictionary<string, TestOutcome>
        {
            ["tests.test_a::test_a"] = TestOutcome.Passed,
            ["tests.test_a::test_a_and_b"] = TestOutcome.Passed,
            ["tests.test_b::test_b"] = TestOutcome.Passed,
        },
        Coverage = new CoverageData { Files = new Dictionary<string, FileCoverage>() },
        SuiteSeconds = 10,
        TestsByFile = new Dictionary<string, IReadOnlyList<string>>
        {
            ["app/a.py"] = ["tests/test_a.py::test_a", "tests/test_a.py::test_a_and_b"],
            ["app/b.py"] = ["tests/test_a.py::test_a_and_b", "tests/test_b.py::test_b"],
        },
    };
}
