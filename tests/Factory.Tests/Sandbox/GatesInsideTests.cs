using Factory.Dataflow.Sandbox;
using Factory.Tests.Support;

namespace Factory.Tests.Sandbox;

/// <summary>The real gates still work as the sandbox's unprivileged user, within the default bounds.</summary>
public sealed class GatesInsideTests : IDisposable
{
    private readonly SampleRepo _repo = SampleRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact(Timeout = 600_000)]
    public async Task Ruff_mypy_with_a_writable_cache_and_pytest_with_coverage_pass_inside()
    {
        using var sandbox = SandboxFolder.Create();
        var checkout = _repo.CheckoutPath;
        var cache = Directory.CreateTempSubdirectory("factory-mypy-").FullName;
        using var scratch = sandbox.Runner.CreateScratchFolder();
        try
        {
            string[] readOnly = [".", ".git"];
            var ruff = await sandbox.Runner.RunAsync(
                new SandboxCommand("ruff", ["check", "--no-cache", "."], checkout) { ReadOnlyPaths = readOnly }, CancellationToken.None);
            var mypy = await sandbox.Runner.RunAsync(
                new SandboxCommand(SandboxFolder.Python, ["-m", "mypy", "--cache-dir", cache, "app"], checkout)
                {
                    ReadOnlyPaths = readOnly,
                    WritablePaths = [cache],
                },
                CancellationToken.None);
            var pytest = await sandbox.Runner.RunAsync(
                new SandboxCommand(SandboxFolder.Python, ["-m", "pytest", "-p", "no:cacheprovider", "--cov=app", "--cov-fail-under=50", "tests"], checkout)
                {
                    ReadOnlyPaths = readOnly,
                    WritablePaths = [scratch.Path],
                    Environment = new Dictionary<string, string> { ["COVERAGE_FILE"] = Path.Combine(scratch.Path, ".coverage") },
                },
                CancellationToken.None);

            Assert.True(ruff.ExitCode == 0, ruff.Output);
            Assert.True(mypy.ExitCode == 0, mypy.Output);
            Assert.True(pytest.ExitCode == 0, pytest.Output);
            Assert.Contains("Success: no issues found", mypy.StandardOutput);
            Assert.Contains("Required test coverage of 50% reached", pytest.StandardOutput);
            Assert.NotEmpty(Directory.EnumerateFiles(cache, "*.json", SearchOption.AllDirectories));
            Assert.True(File.Exists(Path.Combine(scratch.Path, ".coverage")));
            Assert.All([ruff, mypy, pytest], r => Assert.Equal(SandboxIdentityMode.DroppedFromRoot, r.Layers!.Identity));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task Ruff_on_node_and_webassembly_runs_under_the_per_process_memory_limit_too()
    {
        // Without cgroups the memory bound is RLIMIT_DATA, which V8's large address-space reservations do not count
        // against (RLIMIT_AS would): ruff must still run, and still find what it finds.
        using var sandbox = SandboxFolder.Create(o => o.Cgroups = SandboxRequirement.Off);
        var checkout = _repo.CheckoutPath;
        File.WriteAllText(Path.Combine(checkout, "app", "unused.py"), "import os\n");

        var ruff = await sandbox.Runner.RunAsync(
            new SandboxCommand("ruff", ["check", "--no-cache", "."], checkout) { ReadOnlyPaths = [".", ".git"] }, CancellationToken.None);

        Assert.Equal(BoundMechanism.ResourceLimit, ruff.Layers!.Memory);
        Assert.Equal(1, ruff.ExitCode);
        Assert.Contains("F401", ruff.StandardOutput);
    }
}
