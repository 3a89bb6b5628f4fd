using Factory.Dataflow;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

/// <summary>
/// Errors that are nobody's change end the request while the baseline is computed, before any model call, as an
/// environment error whose reason names the setting to fix (the runner maps it to exit code 2).
/// </summary>
public sealed class EnvironmentErrorTests
{
    public static TheoryData<string, string, string> BrokenSettings => new()
    {
        { """{ "typeCheck": ["mypy", "nosuchpackage"] }""", "can't read file 'nosuchpackage'", "Set \"typeCheck\" in .factory/gates.json" },
        { """{ "testFolders": ["spec"] }""", "file or directory not found: spec", "Set \"testFolders\" in .factory/gates.json to where this repository's tests are (test files are in: tests)" },
        { """{ "test": ["python3", "-m", "nosuchrunner"] }""", "has no 'nosuchrunner' module", "change the command in .factory/gates.json" },
        { """{ "test": ["pytest", "-k", "matches_no_test"] }""", "pytest collected no tests from tests on the base commit, though it holds test files (tests/test_main.py)", "Set \"testFolders\" and \"test\"" },
    };

    [Theory]
    [MemberData(nameof(BrokenSettings))]
    public async Task A_gate_that_cannot_run_on_the_base_commit_ends_the_request_before_any_model_call(string gates, string problem, string fix)
    {
        using var repo = SampleRepo.Create();
        File.WriteAllText(Path.Combine(repo.CheckoutPath, ".factory", "gates.json"), gates);
        repo.Git("commit", "--quiet", "--all", "-m", "gate settings");
        var before = repo.Snapshot();
        var modelCalls = 0;
        var options = new GateOptions { MypyCacheDirectory = Path.Combine(repo.StatePath, "mypy") };
        var builder = InMemoryStages.PassingBuilder()
            .Use(StageName.Plan, (_, _) =>
            {
                Interlocked.Increment(ref modelCalls);
                return ValueTask.FromResult(StageResult.Success(InMemoryStages.HealthSpec));
            })
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath }))
            .UsePreparation(new GateBaselinePreparation(new SandboxedRunner(new SandboxOptions()), options));
        await using var pipeline = builder.Build();

        var outcome = await pipeline.RunAsync(new FeatureRequest("broken-gates", "add a health endpoint")).Within(600);

        Assert.Equal(OutcomeStatus.EnvironmentError, outcome.Status);
        Assert.Equal("environment_error", outcome.StatusName);
        Assert.Equal(0, modelCalls);
        Assert.Equal(0, outcome.BuildAttempts);
        Assert.Contains(problem, outcome.Reason);
        Assert.Contains(fix, outcome.Reason);
        Assert.DoesNotContain("pytest-cov installed", outcome.Reason);
        var stored = Path.Combine(repo.StatePath, "baseline");
        Assert.True(!Directory.Exists(stored) || !Directory.EnumerateFiles(stored, "*.json").Any(), "a failed baseline must not be stored");
        Assert.Equal(before, repo.Snapshot());
    }
}
