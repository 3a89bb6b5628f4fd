using Factory.Dataflow;
using Factory.Dataflow.Workspace;

namespace Factory.Tests.Gates;

/// <summary>TEST judged against the base commit: one run of the whole suite with the new tests, PASS_TO_PASS, patch coverage.</summary>
public sealed class BaselineTestTests
{
    private const string NeedsADatabase = """
        import socket


        def test_needs_a_database() -> None:
            socket.create_connection(("127.0.0.1", 5432), timeout=1)

        """;

    [Fact]
    public async Task A_test_that_fails_on_the_base_commit_is_reported_not_blamed()
    {
        await using var gates = await GateFixture.CreateAsync(baseFiles: new Dictionary<string, string?> { ["tests/test_db.py"] = NeedsADatabase });
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.True(result.Ok, result.Detail);
        Assert.Contains("1 test that already failed on the base commit still fail: tests.test_db::test_needs_a_database (not this change's doing, so not blamed)", result.Detail);
    }

    [Fact]
    public async Task A_new_test_that_passes_on_the_base_commit_is_refused_with_the_reason()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        // It tests GET /, which the base commit already has: it would pass without the change.
        var result = await gates.TestAsync(new FileEdit(
            "tests/test_health.py",
            GateFixture.HealthTest + "\n\ndef test_root_again() -> None:\n    assert client.get(\"/\").status_code == 200\n"));

        Assert.False(result.Ok);
        Assert.StartsWith("TEST failed: this new test passes on the base commit too, without the change, so it does not test it: tests.test_health::test_root_again", result.Detail);
        Assert.Contains("\"newTestsMustFailOnBase\": false", result.Detail);
        Assert.False(File.Exists(Path.Combine(gates.Workspace.RootPath, "tests", "test_health.py")));
    }

    [Fact]
    public async Task A_new_test_module_that_breaks_the_suite_when_run_with_it_is_caught()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        // Alone it passes; imported beside the existing suite it removes the app's routes, which breaks test_main.
        var result = await gates.TestAsync(new FileEdit(
            "tests/test_health.py",
            GateFixture.HealthTest.Replace("client = TestClient(app)", "client = TestClient(app)\nhealth = client.get(\"/health\").json()\napp.router.routes.clear()")
                .Replace("assert client.get(\"/health\").json() == {\"status\": \"ok\"}", "assert health == {\"status\": \"ok\"}")));

        Assert.False(result.Ok);
        Assert.StartsWith("TEST failed: the change breaks 1 test that passed on the base commit: tests.test_main::test_root (failed)", result.Detail);
    }

    [Fact]
    public async Task Patch_coverage_judges_the_change_when_the_base_commit_is_under_80_percent()
    {
        // The base commit's own untested module puts total coverage near 40%.
        var uncovered = string.Join('\n', Enumerable.Range(0, 8).Select(i => $"def f{i}(x: int) -> int:\n    return x + {i}\n\n"));
        await using var gates = await GateFixture.CreateAsync(baseFiles: UnderEightyPercent(uncovered));
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var covered = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.True(covered.Ok, covered.Detail);
        Assert.Contains("patch coverage 100%", covered.Detail);
        Assert.Matches(@"total coverage \d\d(\.\d+)?% \(base commit \d\d(\.\d+)?%; ", covered.Detail);
    }

    [Fact]
    public async Task Patch_coverage_under_the_floor_fails_with_the_uncovered_lines_when_the_base_commit_is_under_80_percent()
    {
        var uncovered = string.Join('\n', Enumerable.Range(0, 8).Select(i => $"def f{i}(x: int) -> int:\n    return x + {i}\n\n"));
        await using var gates = await GateFixture.CreateAsync(baseFiles: UnderEightyPercent(uncovered));
        await gates.BuildAsync(
            new FileEdit("app/main.py", GateFixture.HealthRoute),
            new FileEdit("app/helpers.py", "def double(x: int) -> int:\n    return 2 * x\n\n\ndef triple(x: int) -> int:\n    return 3 * x\n"));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.False(result.Ok);
        Assert.Contains("is under 80%; lines no test runs: app/helpers.py lines 1-2, lines 5-6", result.Detail);
    }

    /// <summary>A base commit with an untested module, and no absolute coverage floor (the sample sets one).</summary>
    private static Dictionary<string, string?> UnderEightyPercent(string uncovered) => new()
    {
        ["app/untested.py"] = uncovered,
        [".factory/gates.json"] = """{ "sourcePackage": "app", "testFolders": ["tests"] }""",
    };

    [Fact]
    public async Task A_change_that_leaves_tested_code_untested_fails_on_the_total_coverage_drop()
    {
        // On the base commit GET / runs helper(); the change stops calling it, so its lines are no longer tested.
        const string withHelper = """
            from fastapi import FastAPI

            app = FastAPI()


            def helper() -> str:
                name = "target"
                suffix = "app"
                joined = name + suffix
                return joined


            @app.get("/")
            def root() -> dict[str, str]:
                return {"service": helper()}

            """;
        await using var gates = await GateFixture.CreateAsync(baseFiles: new Dictionary<string, string?>
        {
            ["app/main.py"] = withHelper,
            [".factory/gates.json"] = """{ "sourcePackage": "app" }""",
        });
        await gates.BuildAsync(new FileEdit("app/main.py", withHelper.Replace("{\"service\": helper()}", "{\"service\": \"targetapp\"}")
            + "\n\n@app.get(\"/health\")\ndef health() -> dict[str, str]:\n    return {\"status\": \"ok\"}\n"));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.False(result.Ok);
        Assert.Contains("on the lines the change did not add) fell by more than the 1 points coverageDropMargin allows", result.Detail);
    }

    [Fact]
    public async Task A_stale_generated_test_from_attempt_1_is_removed_and_the_writer_is_asked_again_with_the_failure()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute.Replace("\"ok\"}", "\"down\"}")));
        var writer = new FixedTestWriter([new FileEdit("tests/test_health.py", GateFixture.HealthTest)]);

        var first = await gates.TestAsync(writer);

        Assert.False(first.Ok);
        Assert.False(File.Exists(Path.Combine(gates.Workspace.RootPath, "tests", "test_health.py")));
        Assert.DoesNotContain("test_health", await gates.Workspace.GetDiffAsync(CancellationToken.None));

        // BUILD's second attempt fixes the code; the writer may use the same name again and hears why attempt 1 failed.
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));
        var second = await gates.TestAsync(writer);

        Assert.True(second.Ok, second.Detail);
        Assert.Null(writer.FailuresSeen[0]);
        Assert.StartsWith("TEST failed: 1 new test fails: tests.test_health::test_health", writer.FailuresSeen[1]);
    }

    [Fact]
    public async Task A_test_folder_inside_the_package_is_where_tests_run_and_counts_toward_no_coverage()
    {
        var files = new Dictionary<string, string?>
        {
            [".factory/gates.json"] = """{ "testFolders": ["app/tests"] }""",
            ["tests/test_main.py"] = null,
            ["tests/__init__.py"] = null,
            ["app/tests/__init__.py"] = "",
            ["app/tests/test_main.py"] = File.ReadAllText(Path.Combine(Support.SampleRepo.RepositoryRoot(), "samples", "targetapp", "tests", "test_main.py")),
        };
        await using var gates = await GateFixture.CreateAsync(baseFiles: files);
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var outside = await gates.Workspace.WriteAsync([new FileEdit("tests/test_health.py", GateFixture.HealthTest)], WriterRole.Test, CancellationToken.None);
        var result = await gates.TestAsync(new FileEdit("app/tests/test_health.py", GateFixture.HealthTest));

        Assert.False(outside.Accepted);
        Assert.Contains("outside the test folders (app/tests/)", outside.Rejection);
        Assert.True(result.Ok, result.Detail);
        Assert.Contains("2 tests passed (1 new)", result.Detail);
        Assert.Contains("total coverage 100%", result.Detail);
    }

    [Fact]
    public async Task A_generated_test_that_never_ends_ends_its_attempt_at_a_limit_from_the_base_suites_time()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.TestAsync(new FileEdit(
            "tests/test_hang.py", "import time\n\n\ndef test_hang() -> None:\n    while True:\n        time.sleep(0.1)\n"));

        Assert.False(result.Ok);
        var limit = System.Text.RegularExpressions.Regex.Match(result.Detail, @"pytest did not finish within (\d+(?:\.\d)?) s");
        Assert.True(limit.Success, result.Detail);

        // Not the fixed 300 s: a multiple of the base suite's measured time, with a 20 s floor.
        Assert.InRange(double.Parse(limit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 20, 299);
        Assert.Contains("GateOptions.TestTimeoutMultiple", result.Detail);
    }
}
