using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python;
using Factory.Dataflow.Toolchains.Python.Gates.Baseline;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// One pytest run in the sandbox with a machine-readable report of every test (JUnit XML) and, when asked, line
/// coverage (coverage.py's Cobertura XML), both written to a scratch folder bound writable outside the worktree; the
/// base commit's run also records which tests ran code in which file (<see cref="Selection.CoveringTests"/>).
/// </summary>
internal static class PytestRun
{
    // pytest's exit codes that say nothing about the tests: internal error, usage error (a missing path, an unknown option).
    public const int InternalError = 3;
    public const int UsageError = 4;
    public const int NoTestsCollected = 5;

    public static async Task<PytestResult> RunAsync(
        SandboxedRunner runner,
        GateOptions options,
        GateConfig config,
        string root,
        IReadOnlyList<string> paths,
        bool coverage,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        bool testContexts = false)
    {
        // Reports and coverage data must outlive the sandbox (each gets a fresh /tmp), so they go to a folder bound
        // writable: the runner's scratch folder, a size-bounded tmpfs when Factory runs as root.
        using var scratchFolder = runner.CreateScratchFolder();
        var scratch = new DirectoryInfo(scratchFolder.Path);
        var junit = Path.Combine(scratch.FullName, "junit.xml");
        var coverageXml = Path.Combine(scratch.FullName, "coverage.xml");
        List<string> arguments =
        [
            .. config.Test,

            // No .pytest_cache in the worktree; every test runs (a project's -x or --maxfail would hide the rest) and a
            // module that cannot be imported fails alone instead of stopping the run.
            "-p", "no:cacheprovider", "--maxfail=2147483647", "--continue-on-collection-errors",
            "--junitxml=" + junit,
        ];
        arguments.AddRange(coverage ? ["--cov=" + config.SourcePackage, "--cov-report=xml:" + coverageXml] : ["--no-cov"]);
        if (coverage && testContexts)
        {
            arguments.Add("--cov-context=test");
        }

        arguments.AddRange(paths);
        var command = GateCommands.Create(arguments, root, config, options, timeout) with
        {
            WritablePaths = [scratch.FullName],
            Environment = new Dictionary<string, string> { ["COVERAGE_FILE"] = Path.Combine(scratch.FullName, ".coverage") },
        };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        GateCommands.ThrowIfToolMissing(result, config.Test, options);
        var covering = coverage && testContexts
            ? await Selection.CoveringTests.ReadAsync(runner, options, config, root, Path.Combine(scratch.FullName, ".coverage"), cancellationToken).ConfigureAwait(false)
            : null;
        return new PytestResult(
            result,
            JunitReport.TryRead(junit),
            coverage ? CoverageData.TryRead(coverageXml, root, path => config.IsTestFile(path, PythonFiles.Instance)) : null)
        {
            TestsByFile = covering,
        };
    }
}

/// <summary>How a pytest run ended, with its reports when pytest wrote them.</summary>
/// <param name="Run">The process's result: exit code, output, time.</param>
/// <param name="Tests">Every test's outcome by id; null when pytest wrote no report (killed, crashed, usage error).</param>
/// <param name="Coverage">Line coverage; null when not asked for or not written.</param>
internal sealed record PytestResult(SandboxResult Run, IReadOnlyDictionary<string, TestOutcome>? Tests, CoverageData? Coverage)
{
    /// <summary>Per measured file, the node ids of the tests that ran code in it; null unless asked for and readable.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? TestsByFile { get; init; }
}
