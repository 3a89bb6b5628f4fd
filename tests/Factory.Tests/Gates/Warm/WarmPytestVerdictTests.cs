using Factory.Dataflow;

namespace Factory.Tests.Gates.Warm;

/// <summary>
/// TEST judged with pytest started in the warm server gives, word for word, the verdict a fresh pytest gives: on a
/// change that should pass and on changes that should fail (a failing new test, a broken old test, untested code).
/// </summary>
public sealed class WarmPytestVerdictTests
{
    public static TheoryData<string, string, string> Changes => new()
    {
        { "passing", GateFixture.HealthRoute, GateFixture.HealthTest },
        { "failing new test", GateFixture.HealthRoute, GateFixture.HealthTest.Replace("\"ok\"}", "\"down\"}") },
        { "broken old test", GateFixture.HealthRoute.Replace("\"targetapp\"", "\"renamed\""), GateFixture.HealthTest },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_warm_pytest_run_gives_the_verdict_a_fresh_one_gives(string change, string code, string test)
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", code));

        gates.Options.WarmPytest = false;
        var fresh = await gates.TestTracedAsync(new FixedTestWriter([new FileEdit("tests/test_health.py", test)]));
        gates.Options.WarmPytest = true;
        var warm = await gates.TestTracedAsync(new FixedTestWriter([new FileEdit("tests/test_health.py", test)]));

        Assert.Equal(false, fresh.Usage["pytest_warm"]);
        Assert.True(warm.Usage["pytest_warm"] is true, $"{change}: the run was not served warm: {warm.Result.Detail}");
        Assert.Equal(fresh.Result.Ok, warm.Result.Ok);
        Assert.Equal(Verdict(fresh.Result.Detail), Verdict(warm.Result.Detail));
    }

    /// <summary>The verdict and pytest's summary, without the run's duration ("in 0.52s") and scratch paths, which differ run to run.</summary>
    private static string Verdict(string? detail) =>
        System.Text.RegularExpressions.Regex.Replace(detail ?? "", @"in [0-9.]+s|/tmp/factory-scratch-[^ \n]*", "");

    [Fact]
    public async Task A_project_module_named_like_an_installed_package_is_the_one_a_warm_run_imports()
    {
        // six is installed (Debian's python3-six); the project has its own six.py, which pytest's rootdir insertion
        // puts first for the tests. Imported in advance by the server, the installed one would win.
        await using var gates = await GateFixture.CreateAsync(baseFiles: new Dictionary<string, string?>
        {
            ["six.py"] = "LOCAL = True\n",
            ["tests/test_local_six.py"] = "import six\n\n\ndef test_the_projects_six_is_imported() -> None:\n    assert six.LOCAL\n",
        });
        var options = new Dataflow.Gates.GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true }.ValidateAndCopy();

        var warm = await Dataflow.Toolchains.Python.Gates.PytestRun.RunAsync(
            gates.Runner, options, Dataflow.Gates.GateConfig.Default, gates.Workspace.RootPath, ["tests"], coverage: false,
            TimeSpan.FromSeconds(120), CancellationToken.None, warm: true);

        Assert.True(warm.Run.Served, warm.Run.Output);
        Assert.Equal(0, warm.Run.ExitCode);
        Assert.Contains(warm.Tests!, t => t.Key.EndsWith("test_the_projects_six_is_imported", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("six", true)]
    [InlineData("fastapi", false)]
    public async Task A_module_imported_in_advance_that_the_runs_sys_path_would_not_give_sends_the_run_to_a_fresh_start(string preloaded, bool shadowed)
    {
        // The server is told the name directly (past the worktree scan that would have skipped six), as a package the
        // repository provides in a way the scan cannot see (a zip, a conftest's sys.path change) would reach it.
        await using var gates = await GateFixture.CreateAsync(baseFiles: new Dictionary<string, string?>
        {
            ["six.py"] = "LOCAL = True\n",
            ["tests/test_local_six.py"] = "import six\nimport fastapi\n\n\ndef test_the_projects_six_is_imported() -> None:\n    assert six.LOCAL\n",
        });
        var options = new Dataflow.Gates.GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory }.ValidateAndCopy();
        using var server = await gates.Runner.StartForkServerAsync(
            options.PythonInterpreter, Path.GetDirectoryName(gates.Workspace.RootPath)!, Dataflow.Toolchains.Python.Gates.ToolBootstrap.Preloads("pytest"),
            [preloaded], TimeSpan.FromSeconds(120));
        Assert.NotNull(server);
        Assert.Contains(preloaded, server.Preloaded);
        using var run = Dataflow.Sandbox.ForkServerRun.Create(server.RunsFolder, gates.Runner.ScratchSizeBytes)!;
        var command = Dataflow.Toolchains.Python.Gates.GateCommands.Create(
            ["pytest", "-p", "no:cacheprovider", "tests"], gates.Workspace.RootPath, Dataflow.Gates.GateConfig.Default, options, TimeSpan.FromSeconds(120)) with
        {
            WritablePaths = [run.ScratchPath],
        };
        Assert.True(Dataflow.Toolchains.Python.Gates.ToolBootstrap.TryRead(command.Arguments, out var module, out var worktreeImports, out var arguments));

        var result = await gates.Runner.RunInForkServerAsync(server, run, command, module, arguments, worktreeImports, CancellationToken.None);

        if (shadowed)
        {
            Assert.Null(result);
            Assert.True(server.IsUsable, "a shadowed preload is no reason to stop the server");
        }
        else
        {
            Assert.NotNull(result);
            Assert.Equal(0, result.ExitCode);
        }
    }
}
