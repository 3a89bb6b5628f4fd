using Factory.Dataflow;
using Factory.Tests.Sandbox;

namespace Factory.Tests.Gates;

public sealed class TestStageTests
{
    [Fact]
    public async Task A_clean_change_with_a_passing_new_test_passes_test()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.True(result.Ok, result.Detail);
        Assert.StartsWith("TEST passed: 2 tests passed (1 new); patch coverage 100% of the ", result.Detail);
        Assert.Contains("total coverage 100% (base commit 100%; 100% on the lines the change did not add)", result.Detail);
        Assert.True(File.Exists(Path.Combine(gates.Workspace.RootPath, "tests", "test_health.py")));
        Assert.Contains("tests/test_health.py", await gates.Workspace.GetDiffAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_new_test_fails_test_with_pytests_output()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest.Replace("\"ok\"}", "\"down\"}")));

        Assert.False(result.Ok);
        Assert.StartsWith("TEST failed: 1 new test fails: tests.test_health::test_health (failed)", result.Detail);
        Assert.Contains("1 failed", result.Detail);
        Assert.Contains("AssertionError", result.Detail);
    }

    [Fact]
    public async Task New_code_no_test_runs_fails_test_on_patch_coverage_naming_the_lines()
    {
        await using var gates = await GateFixture.CreateAsync();
        var uncovered = string.Join('\n', Enumerable.Range(0, 30).Select(i => $"def f{i}(x: int) -> int:\n    return x + {i}\n\n"));
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute), new FileEdit("app/extra.py", uncovered));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.False(result.Ok);
        Assert.Contains("patch coverage 4.76% of the 63 statements the change adds or modifies is under 80%", result.Detail);
        Assert.Contains("app/extra.py lines 1-2, lines 5-6", result.Detail);
    }

    [Fact]
    public async Task A_test_that_passed_on_the_base_commit_and_fails_now_is_a_regression_and_the_new_test_is_removed()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute.Replace("\"targetapp\"", "\"renamed\"")));

        var result = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.False(result.Ok);
        Assert.StartsWith("TEST failed: the change breaks 1 test that passed on the base commit: tests.test_main::test_root (failed)", result.Detail);
        Assert.Contains("tests/test_main.py", result.Detail);
        Assert.False(File.Exists(Path.Combine(gates.Workspace.RootPath, "tests", "test_health.py")));
    }

    [Fact]
    public async Task A_generated_test_the_jail_refuses_fails_test_with_the_reason()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.TestAsync(new FileEdit("tests/test_main.py", "def test_main() -> None:\n    assert True\n"));

        Assert.False(result.Ok);
        Assert.Contains("refused by the jailed writer", result.Detail);
        Assert.Contains("already exists", result.Detail);
    }

    public static TheoryData<string, string, string> HostileTests => new()
    {
        { "writes outside the worktree", "open('/var/tmp/factory-hostile-MARKER', 'w').write('x')", "Read-only file system" },
        { "rewrites the .git pointer", "open('.git', 'w').write('gitdir: /tmp/evil')", "Read-only file system" },
        { "rewrites an existing test", "open('tests/test_main.py', 'w').write('def test_root() -> None: pass')", "Read-only file system" },
        // The file is not the sandbox user's, so the kernel refuses the open before it looks at the read-only mount.
        { "edits the code under review", "open('app/main.py', 'a').write('# changed behind BUILD')", "Permission denied" },
        { "creates a conftest.py", "open('conftest.py', 'w').write('import os')", "Read-only file system" },
        { "opens a network connection", "import socket; socket.create_connection(('1.1.1.1', 53), timeout=5)", "Network is unreachable" },
    };

    [Theory]
    [MemberData(nameof(HostileTests))]
    public async Task A_hostile_generated_test_is_blocked_and_changes_nothing_it_must_not(string because, string code, string blockedBy)
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));
        var gitPointer = File.ReadAllText(Path.Combine(gates.Workspace.RootPath, ".git"));
        var existingTest = File.ReadAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_main.py"));
        var codeUnderReview = File.ReadAllText(Path.Combine(gates.Workspace.RootPath, "app", "main.py"));
        var marker = Guid.NewGuid().ToString("N");

        var result = await gates.TestAsync(new FileEdit(
            "tests/test_hostile.py", $"def test_hostile() -> None:\n    {code.Replace("MARKER", marker)}\n"));

        Assert.False(result.Ok, because);
        Assert.Contains(blockedBy, result.Detail);
        Assert.False(File.Exists($"/var/tmp/factory-hostile-{marker}"));
        Assert.Equal(gitPointer, File.ReadAllText(Path.Combine(gates.Workspace.RootPath, ".git")));
        Assert.Equal(existingTest, File.ReadAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_main.py")));
        Assert.Equal(codeUnderReview, File.ReadAllText(Path.Combine(gates.Workspace.RootPath, "app", "main.py")));
        Assert.False(File.Exists(Path.Combine(gates.Workspace.RootPath, "conftest.py")));
    }

    [Fact]
    public async Task A_generated_test_that_never_ends_is_killed_at_the_timeout_and_leaves_no_process_behind()
    {
        await using var gates = await GateFixture.CreateAsync(testTimeout: TimeSpan.FromSeconds(20));
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));
        var marker = $"factory-hang-{Guid.NewGuid():N}";

        var result = await gates.TestAsync(new FileEdit(
            "tests/test_hang.py",
            $"import subprocess, sys\n\n\ndef test_hang() -> None:\n" +
            $"    subprocess.Popen([sys.executable, '-c', 'import time\\nwhile True: time.sleep(1)', '{marker}'], start_new_session=True)\n" +
            "    while True:\n        pass\n"));

        Assert.False(result.Ok);
        Assert.Contains("did not finish within 20 s and was killed", result.Detail);
        Assert.True(await ProcessTable.NoneRunningAsync(marker), $"a process with {marker} outlived the timeout");
    }
}
