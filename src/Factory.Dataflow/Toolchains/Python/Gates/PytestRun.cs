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

    /// <summary>Runs pytest on <paramref name="paths"/> in <paramref name="root"/>, in the sandbox.</summary>
    /// <param name="runner">The sandbox.</param>
    /// <param name="options">The interpreter, and whether worktree runs may start warm.</param>
    /// <param name="config">The repository's gate configuration (the test command, source package, protected paths).</param>
    /// <param name="root">The worktree, or an export of the base commit.</param>
    /// <param name="paths">The test paths or node ids to run.</param>
    /// <param name="coverage">Whether to measure line coverage of the source package.</param>
    /// <param name="timeout">How long the run may take.</param>
    /// <param name="cancellationToken">Stops the run (its processes are killed).</param>
    /// <param name="testContexts">Whether to record which test ran which line (the base commit's run).</param>
    /// <param name="warm">
    /// True for a run in a worktree that may start in the warm pytest server (<see cref="GateOptions.WarmPytest"/>); the
    /// base commit's runs pass false and always start fresh.
    /// </param>
    public static async Task<PytestResult> RunAsync(
        SandboxedRunner runner,
        GateOptions options,
        GateConfig config,
        string root,
        IReadOnlyList<string> paths,
        bool coverage,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        bool testContexts = false,
        bool warm = false)
    {
        // Reports and coverage data must outlive the sandbox (each gets a fresh /tmp), so they go to a folder bound
        // writable: the runner's scratch folder, a size-bounded tmpfs when Factory runs as root; for a warm run, the
        // run's own folder in the server's runs folder (a tmpfs of the same size).
        var server = warm ? await WarmPytest.ServerForAsync(runner, options, root).ConfigureAwait(false) : null;
        if (server is not null && ForkServerRun.Create(server.RunsFolder, runner.ScratchSizeBytes) is { } warmRun)
        {
            using (warmRun)
            {
                var warmCommand = Command(warmRun.ScratchPath);
                if (warmCommand.Executable == options.PythonInterpreter &&
                    ToolBootstrap.TryRead(warmCommand.Arguments, out var module, out var worktreeImports, out var moduleArguments) && module == "pytest" &&
                    await runner.RunInForkServerAsync(server, warmRun, warmCommand, module, moduleArguments, worktreeImports, cancellationToken)
                        .ConfigureAwait(false) is { } served)
                {
                    return await ReadAsync(served, warmRun.ScratchPath).ConfigureAwait(false);
                }
            }
        }

        // Not warm, or the server could not run it (a fresh folder: the server's runs folder may be gone with it).
        using var scratchFolder = runner.CreateScratchFolder();
        var result = await runner.RunAsync(Command(scratchFolder.Path), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(result, scratchFolder.Path).ConfigureAwait(false);

        SandboxCommand Command(string scratch)
        {
            List<string> arguments =
            [
                .. config.Test,

                // No .pytest_cache in the worktree; every test runs (a project's -x or --maxfail would hide the rest) and a
                // module that cannot be imported fails alone instead of stopping the run.
                "-p", "no:cacheprovider", "--maxfail=2147483647", "--continue-on-collection-errors",
                "--junitxml=" + Path.Combine(scratch, "junit.xml"),
            ];
            arguments.AddRange(coverage ? ["--cov=" + config.SourcePackage, "--cov-report=xml:" + Path.Combine(scratch, "coverage.xml")] : ["--no-cov"]);
            if (coverage && testContexts)
            {
                arguments.Add("--cov-context=test");
            }

            arguments.AddRange(paths);
            return GateCommands.Create(arguments, root, config, options, timeout) with
            {
                WritablePaths = [scratch],
                Environment = new Dictionary<string, string> { ["COVERAGE_FILE"] = Path.Combine(scratch, ".coverage") },
            };
        }

        async Task<PytestResult> ReadAsync(SandboxResult run, string scratch)
        {
            GateCommands.ThrowIfToolMissing(run, config.Test, options);
            var covering = coverage && testContexts
                ? await Selection.CoveringTests.ReadAsync(runner, options, config, root, Path.Combine(scratch, ".coverage"), cancellationToken).ConfigureAwait(false)
                : null;
            return new PytestResult(
                run,
                JunitReport.TryRead(Path.Combine(scratch, "junit.xml")),
                coverage ? CoverageData.TryRead(Path.Combine(scratch, "coverage.xml"), root, path => config.IsTestFile(path, PythonFiles.Instance)) : null)
            {
                TestsByFile = covering,
            };
        }
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
