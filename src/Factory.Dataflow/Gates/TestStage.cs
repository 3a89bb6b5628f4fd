using System.Globalization;
using System.Text.RegularExpressions;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Gates;

/// <summary>
/// TEST: runs the existing suite (a regression fails with pytest's output), writes the test writer's new files
/// through the jail as <see cref="WriterRole.Test"/> (a refused write fails with the reason), then runs the new tests
/// with coverage appended to the first run's, so the floor applies to the whole suite while each test runs once.
/// </summary>
public sealed partial class TestStage : IFactoryStage
{
    private readonly ITestWriter _testWriter;
    private readonly SandboxedRunner _runner;
    private readonly GateOptions _options;

    /// <summary>Creates the stage.</summary>
    /// <param name="testWriter">Proposes the new test files (the model half of TEST).</param>
    /// <param name="runner">The sandboxed runner pytest runs in.</param>
    /// <param name="options">Interpreter and timeouts; validated and copied here.</param>
    public TestStage(ITestWriter testWriter, SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(testWriter);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _testWriter = testWriter;
        _runner = runner;
        _options = options.ValidateAndCopy();
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var workspace = context.RequireWorkspace();
        var root = workspace.RootPath;
        var config = await GateConfig.LoadAsync(root, cancellationToken).ConfigureAwait(false);

        // Coverage data must outlive one sandbox (each gets a fresh /tmp), so it lives in a folder bound writable.
        var scratch = Directory.CreateTempSubdirectory("factory-test-");
        try
        {
            var coverageEnvironment = new Dictionary<string, string> { ["COVERAGE_FILE"] = Path.Combine(scratch.FullName, ".coverage") };
            var existing = await RunPytestAsync(
                config, root, scratch.FullName, coverageEnvironment, [$"--cov={config.SourcePackage}", "--cov-report=", config.TestFolder],
                cancellationToken).ConfigureAwait(false);
            const int NoTestsCollected = 5;
            if (existing.ExitCode is not (0 or NoTestsCollected))
            {
                return StageResult.Failure($"TEST: the existing tests fail (a regression). pytest's output:\n{existing.Output}");
            }

            var changed = await ChangedFilesAsync(workspace, cancellationToken).ConfigureAwait(false);
            var newTests = await _testWriter.WriteTestsAsync(context, changed, cancellationToken).ConfigureAwait(false);
            var coverageArguments = new[]
            {
                $"--cov={config.SourcePackage}", "--cov-append", "--cov-report=term-missing",
                $"--cov-fail-under={config.CoverageFloor.ToString(CultureInfo.InvariantCulture)}",
            };

            SandboxResult final;
            if (newTests.Count == 0)
            {
                // Nothing new to run: judge the first run's coverage alone.
                final = await _runner.RunAsync(
                    Command(config, root, scratch.FullName, coverageEnvironment,
                        ["python", "-m", "coverage", "report", "--show-missing", $"--fail-under={config.CoverageFloor}"]),
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var report = await workspace.WriteAsync(newTests, WriterRole.Test, cancellationToken).ConfigureAwait(false);
                if (!report.Accepted)
                {
                    return StageResult.Failure($"TEST: the generated tests were refused by the jailed writer: {report.Rejection}");
                }

                final = await RunPytestAsync(
                    config, root, scratch.FullName, coverageEnvironment, [.. coverageArguments, .. report.WrittenPaths], cancellationToken)
                    .ConfigureAwait(false);
            }

            if (CoverageTotal().Match(final.Output) is { Success: true } coverage)
            {
                context.Usage.SetExtra("coverage_percent", double.Parse(coverage.Groups[1].Value, CultureInfo.InvariantCulture));
            }

            context.Usage.SetExtra("new_test_files", newTests.Count);
            return final.ExitCode == 0
                ? StageResult.Success(detail: final.Output)
                : StageResult.Failure(
                    $"TEST: the new tests fail or total coverage of '{config.SourcePackage}' is under {config.CoverageFloor}%. " +
                    $"pytest's output:\n{final.Output}");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private async Task<SandboxResult> RunPytestAsync(
        GateConfig config,
        string root,
        string scratch,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string> extraArguments,
        CancellationToken cancellationToken)
    {
        // -p no:cacheprovider: pytest would otherwise write .pytest_cache into the worktree (and the diff).
        var result = await _runner.RunAsync(
            Command(config, root, scratch, environment, [.. config.Test, "-p", "no:cacheprovider", .. extraArguments]),
            cancellationToken).ConfigureAwait(false);
        GateCommands.ThrowIfToolMissing(result, config.Test, _options);

        // 3: pytest's internal error; 4: usage error (e.g. pytest-cov missing, so --cov is unknown). Not BUILD's doing.
        if (!result.TimedOut && result.ExitCode is 3 or 4)
        {
            throw new GateEnvironmentException(
                $"TEST: pytest could not run (exit {result.ExitCode}); is pytest-cov installed for {_options.PythonInterpreter} " +
                $"(apt-get install python3-pytest-cov, or scripts/setup-gates.sh)?\n{result.Output}");
        }

        return result;
    }

    private SandboxCommand Command(
        GateConfig config, string root, string scratch, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> command) =>
        GateCommands.Create(command, root, config, _options, _options.TestTimeout) with
        {
            WritablePaths = [scratch],
            Environment = environment,
        };

    /// <summary>
    /// The changed files' content for the test writer: paths from git's own NUL-separated list (never parsed from diff
    /// text, where a content line can look like a header), each read through the workspace's confined, bounded reader.
    /// </summary>
    private static async Task<IReadOnlyList<FileEdit>> ChangedFilesAsync(IFeatureWorkspace workspace, CancellationToken cancellationToken)
    {
        const int MaxChangedFileBytes = 1024 * 1024;
        var files = new List<FileEdit>();
        foreach (var path in await workspace.GetChangedFilesAsync(cancellationToken).ConfigureAwait(false))
        {
            var file = await workspace.ReadFileAsync(path, MaxChangedFileBytes, cancellationToken).ConfigureAwait(false);
            if (!file.IsBinary)
            {
                files.Add(new FileEdit(file.Path, file.Text));
            }
        }

        return files;
    }

    [GeneratedRegex(@"(?:Total coverage: |TOTAL\s.*?\s)(\d+(?:\.\d+)?)%")]
    private static partial Regex CoverageTotal();
}
