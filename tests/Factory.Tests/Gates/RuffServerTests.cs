using Factory.Dataflow;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

/// <summary>
/// The served ruff (one long-lived WebAssembly ruff per Factory process) prints exactly what a fresh sandboxed ruff prints
/// on the same files, on changes that fail and on changes that pass; what it cannot stand in for runs the ordinary way.
/// </summary>
public sealed class RuffServerTests
{
    private static readonly SandboxedRunner s_runner = new(new SandboxOptions());

    public static TheoryData<string, string[]> Projects => new()
    {
        // A change that should fail: an unused import, imports out of order, first-party found on disk, a settings file.
        { "fails", ["check", "--no-cache", ".", "--output-format=concise"] },
        { "fails", ["check", "--no-cache", ".", "--output-format=full"] },
        { "fails", ["check", "--no-cache", "--select", "F401", "app", "--output-format=json"] },
        { "passes", ["check", "--no-cache", ".", "--output-format=concise"] },
        { "broken-settings", ["check", "--no-cache", ".", "--output-format=concise"] },
        { "missing-path", ["check", "--no-cache", "nowhere", "--output-format=concise"] },
    };

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(Projects))]
    public async Task A_served_lint_prints_exactly_what_a_fresh_sandboxed_ruff_prints(string project, string[] arguments)
    {
        using var folder = new TempDirectory("factory-ruff-served");
        WriteProject(folder.Path, project);
        var server = RuffServer.For(s_runner);
        Assert.NotNull(server); // This machine's ruff is the WebAssembly wrapper (scripts/setup-gates.sh).
        var command = new SandboxCommand("ruff", arguments, folder.Path) { ReadOnlyPaths = ["."] };

        var fresh = await s_runner.RunAsync(command, CancellationToken.None);
        var served = await server.TryRunAsync(command, CancellationToken.None);

        Assert.NotNull(served);
        Assert.Equal((fresh.ExitCode, fresh.StandardOutput, fresh.StandardError), (served.ExitCode, served.StandardOutput, served.StandardError));
        Assert.True(served.Sandboxed);
        Assert.Equal(project switch { "passes" => 0, "fails" => 1, _ => 2 }, served.ExitCode);
        if (project == "fails")
        {
            Assert.Contains("F401", served.StandardOutput);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task A_tree_with_a_link_or_an_unreadable_file_is_not_served_and_runs_the_ordinary_way()
    {
        using var linked = new TempDirectory("factory-ruff-served");
        WriteProject(linked.Path, "fails");
        File.CreateSymbolicLink(Path.Combine(linked.Path, "app", "elsewhere.py"), "/etc/hostname");
        using var unreadable = new TempDirectory("factory-ruff-served");
        WriteProject(unreadable.Path, "fails");
        Assert.False(OperatingSystem.IsWindows());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(unreadable.Path, "app", "main.py"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var server = RuffServer.For(s_runner)!;

        foreach (var folder in new[] { linked.Path, unreadable.Path })
        {
            var command = new SandboxCommand("ruff", ["check", "--no-cache", "."], folder) { ReadOnlyPaths = ["."] };
            Assert.Null(await server.TryRunAsync(command, CancellationToken.None));
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task A_served_ruff_that_died_is_started_again_and_the_lint_still_gets_its_verdict()
    {
        using var folder = new TempDirectory("factory-ruff-served");
        WriteProject(folder.Path, "fails");
        var command = new SandboxCommand("ruff", ["check", "--no-cache", ".", "--output-format=concise"], folder.Path) { ReadOnlyPaths = ["."] };
        var server = RuffServer.For(s_runner)!;
        var first = await server.TryRunAsync(command, CancellationToken.None);
        var starts = server.Starts;

        server.KillProcess();
        var afterDeath = await server.TryRunAsync(command, CancellationToken.None) ?? await s_runner.RunAsync(command, CancellationToken.None);
        var again = await server.TryRunAsync(command, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Equal(first.StandardOutput, afterDeath.StandardOutput);
        Assert.NotNull(again);
        Assert.Equal(first.StandardOutput, again.StandardOutput);
        Assert.True(server.Starts > starts);
    }

    [Fact(Timeout = 180_000)]
    public async Task The_served_lints_cpu_is_charged_to_the_attempt_that_asked()
    {
        using var folder = new TempDirectory("factory-ruff-served");
        WriteProject(folder.Path, "fails");
        var command = new SandboxCommand("ruff", ["check", "--no-cache", "."], folder.Path) { ReadOnlyPaths = ["."] };
        var server = RuffServer.For(s_runner)!;

        var (result, account) = await Task.Run(async () =>
        {
            var account = ProcessCpuAccount.Open();
            return (await server.TryRunAsync(command, CancellationToken.None), account);
        });

        Assert.NotNull(result);
        if (CgroupSupport.Detect().MeasuresCpu)
        {
            Assert.NotNull(result.CpuTime);
            Assert.Equal(result.CpuTime, account.Total);
        }
    }

    [Theory(Timeout = 300_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task VALIDATE_on_a_sample_app_change_gives_the_same_verdict_and_findings_served_or_not(bool shouldPass)
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", shouldPass ? GateFixture.HealthRoute : "import os\n" + GateFixture.HealthRoute));
        var servedOptions = gates.Options;
        var freshOptions = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, ServeRuff = false };

        var served = await Validate(servedOptions);
        var fresh = await Validate(freshOptions);

        Assert.Equal(shouldPass, served.Result.Ok);
        Assert.Equal((fresh.Result.Ok, fresh.Result.Detail), (served.Result.Ok, served.Result.Detail));
        Assert.Equal(true, served.Extras["lint_served"]);
        Assert.Equal(false, fresh.Extras["lint_served"]);
        if (!shouldPass)
        {
            Assert.Contains("F401", served.Result.Detail);
        }

        async Task<(StageResult Result, IReadOnlyDictionary<string, object?> Extras)> Validate(GateOptions options)
        {
            var context = TestContexts.For(gates.Workspace, StageName.Validate);
            var result = await new ValidateStage(gates.Runner, options).ExecuteAsync(context, CancellationToken.None);
            return (result, context.Usage.Extras);
        }
    }

    private static void WriteProject(string root, string project)
    {
        void Write(string relative, string text)
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        Write("pyproject.toml", project == "broken-settings"
            ? "[tool.ruff.lint]\nselect = 7\n"
            : "[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = [\"E\", \"F\", \"I\"]\n[tool.ruff.lint.per-file-ignores]\n\"tests/*\" = [\"F401\"]\n");
        Write("app/__init__.py", "");
        Write("tests/test_app.py", "import os\n\nimport app\n\n\ndef test_app():\n    assert app\n");
        Write(".git", "gitdir: /nowhere\n");
        Write("README.md", "# sample\n");
        Write("app/main.py", project == "passes"
            ? "import sys\n\nimport fastapi\n\nfrom app import helpers\n\nprint(sys.argv, fastapi, helpers)\n"
            : "import os\nimport fastapi\nimport sys\nfrom app import helpers\n\nprint(sys.argv, fastapi, helpers)\n");
        Write("app/helpers.py", "\ufeffVALUE = 'caf\u00e9'\n");
    }
}
