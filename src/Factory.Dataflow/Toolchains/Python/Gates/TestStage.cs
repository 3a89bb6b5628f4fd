using System.Globalization;
using System.Text.RegularExpressions;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates.Baseline;
using Factory.Dataflow.Toolchains.Python.Gates.Selection;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// TEST: asks the test writer for new tests (on every attempt, told how the previous one failed), writes them through
/// the jail as <see cref="WriterRole.Test"/>, then runs pytest once on the whole suite with them, with coverage, and
/// judges the run against the base commit's baseline (<see cref="TestVerdict"/>). On a suite long enough, the tests that
/// cover what the change touches run first with the new ones (<see cref="TestSelection"/>), so a breaking change fails
/// fast; the verdict is only ever judged on the whole suite. The new tests must also fail (or not exist) on the base
/// commit: they run alone on a copy of it (<see cref="NewTestsOnBase"/>, kept per base tree and test content), and one
/// that passes there does not test the change.
/// A failed attempt removes the tests it wrote, so the next BUILD starts from the change alone.
/// </summary>
public sealed partial class TestStage : IFactoryStage
{
    private readonly ITestWriter _testWriter;
    private readonly SandboxedRunner _runner;
    private readonly GateOptions _options;
    private readonly GateBaselines _baselines;
    private readonly NewTestsOnBase _newTestsOnBase;

    /// <summary>Creates the stage.</summary>
    /// <param name="testWriter">Proposes the new test files (the model half of TEST).</param>
    /// <param name="runner">The sandboxed runner pytest runs in.</param>
    /// <param name="options">Interpreter, timeouts and the baseline folder; validated and copied here.</param>
    public TestStage(ITestWriter testWriter, SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(testWriter);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _testWriter = testWriter;
        _runner = runner;
        _options = options.ValidateAndCopy();
        _baselines = new GateBaselines(runner, _options);
        _newTestsOnBase = new NewTestsOnBase(runner, _options);
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var workspace = context.RequireWorkspace();
        var root = workspace.RootPath;
        var config = await GateConfigResolver.LoadAsync(root, cancellationToken).ConfigureAwait(false);
        var baseline = await _baselines.GetAsync(root, config, cancellationToken).ConfigureAwait(false);
        var generated = GeneratedTests.For(workspace);

        // Leftovers of an attempt that ended without its clean-up (an exception, a cancellation) go first.
        generated.RemoveAll(root);
        var result = await RunAttemptAsync(context, workspace, config, baseline, generated, cancellationToken).ConfigureAwait(false);
        if (!result.Ok)
        {
            generated.RemoveAll(root);
            generated.LastFailure = result.Detail;
        }

        return result;
    }

    private async Task<StageResult> RunAttemptAsync(
        StageContext context, IFeatureWorkspace workspace, GateConfig config, GateBaseline baseline, GeneratedTests generated,
        CancellationToken cancellationToken)
    {
        var root = workspace.RootPath;
        var (changedPaths, changed) = await ChangedFilesAsync(workspace, cancellationToken).ConfigureAwait(false);
        var newTests = await _testWriter.WriteTestsAsync(context, changed, generated.LastFailure, cancellationToken).ConfigureAwait(false);
        context.Usage.SetExtra("new_test_files", newTests.Count);
        IReadOnlyList<string> written = [];
        if (newTests.Count > 0)
        {
            var report = await workspace.WriteAsync(newTests, WriterRole.Test, cancellationToken).ConfigureAwait(false);
            if (!report.Accepted)
            {
                return StageResult.Failure($"TEST: the generated tests were refused by the jailed writer: {report.Rejection}");
            }

            written = report.WrittenPaths;
            generated.Add(written);
        }

        var limit = _options.TestLimit(TimeSpan.FromSeconds(baseline.SuiteSeconds));
        context.Usage.SetExtra("test_limit_s", Math.Round(limit.TotalSeconds, 1));
        var pytestRuns = 0;
        try
        {
            var selection = TestSelection.Choose(baseline, config, root, changedPaths, written, _options.TestSelectionMinimumSuite);
            context.Usage.SetExtra("selected_tests", selection.Selects ? selection.Existing : null);
            context.Usage.SetExtra("selection", selection.Reason ?? "fail-fast run first");
            if (selection.Selects)
            {
                pytestRuns++;
                if (await FailFastAsync(root, config, baseline, selection, limit, cancellationToken).ConfigureAwait(false) is { } failure)
                {
                    return StageResult.Failure(failure);
                }
            }

            pytestRuns++;
            var run = await PytestRun.RunAsync(_runner, _options, config, root, config.EffectiveTestFolders, coverage: true, limit, cancellationToken, warm: true)
                .ConfigureAwait(false);
            context.Usage.SetExtra("pytest_warm", run.Run.Served);
            ThrowIfPytestCannotRun(run);
            if (run.Tests is null)
            {
                return StageResult.Failure($"{TestVerdict.NoReport(run.Run, limit, baseline, _options)} pytest's output:\n{run.Run.Output}");
            }

            var patch = PatchLines.Read(await workspace.GetDiffAsync(cancellationToken).ConfigureAwait(false));
            var (ok, summary) = TestVerdict.Judge(run, baseline, config, patch, newTests.Count, context.Usage);
            if (!ok)
            {
                return StageResult.Failure($"{summary}\npytest's output:\n{run.Run.Output}");
            }

            if (config.NewTestsMustFailOnBase)
            {
                var onBase = await _newTestsOnBase.PassingAsync(root, baseline, config, [.. changedPaths, .. written], limit, cancellationToken)
                    .ConfigureAwait(false);
                context.Usage.SetExtra("base_check", onBase.How);
                pytestRuns += onBase.How == "ran" ? 1 : 0;
                if (onBase.Passing is { Count: > 0 } passing)
                {
                    return StageResult.Failure(
                        $"TEST failed: {(passing.Count == 1 ? "this new test passes" : "these new tests pass")} on the base commit too, without the change, " +
                        $"so {(passing.Count == 1 ? "it does" : "they do")} not test it: {string.Join(", ", passing)}. Write tests that fail " +
                        $"without the feature (for a refactoring, whose tests pass before and after, set \"newTestsMustFailOnBase\": false in " +
                        $"{GateConfig.RelativePath}).");
                }
            }

            return StageResult.Success(detail: $"{summary}\npytest's output:\n{run.Run.Output}");
        }
        finally
        {
            context.Usage.SetExtra("pytest_runs", pytestRuns);
        }
    }

    /// <summary>
    /// Runs the selected tests (those that ran code the change touches on the base commit, and the new ones); returns the
    /// failure when one that counts fails. A run that cannot say (a node id gone, no report) is no reason to stop: the
    /// whole suite runs next and judges. A selected test that never ends would hang the whole suite too: that stops here.
    /// </summary>
    private async Task<string?> FailFastAsync(
        string root, GateConfig config, GateBaseline baseline, TestSelection selection, TimeSpan limit, CancellationToken cancellationToken)
    {
        var run = await PytestRun.RunAsync(_runner, _options, config, root, selection.Paths, coverage: false, limit, cancellationToken, warm: true)
            .ConfigureAwait(false);
        if (run.Run.TimedOut)
        {
            return $"{TestVerdict.NoReport(run.Run, limit, baseline, _options)} pytest's output:\n{run.Run.Output}";
        }

        return run.Tests is null || run.Run.ExitCode is PytestRun.InternalError or PytestRun.UsageError
            ? null
            : TestVerdict.FailFast(run, baseline, config, selection.Existing) is { } failure ? $"{failure}\npytest's output:\n{run.Run.Output}" : null;
    }

    private static void ThrowIfPytestCannotRun(PytestResult run)
    {
        // 3: pytest's internal error; 4: usage error. The same command ran on the base commit, so neither is BUILD's doing.
        if (!run.Run.TimedOut && run.Run.ExitCode is PytestRun.InternalError or PytestRun.UsageError)
        {
            throw new GateEnvironmentException(
                $"TEST: pytest could not run (exit {run.Run.ExitCode}) on the change though it ran on the base commit; check \"test\" " +
                $"and \"testFolders\" in {GateConfig.RelativePath}.\n{run.Run.Output}");
        }
    }

    /// <summary>
    /// The changed files' content for the test writer: paths from git's own NUL-separated list (never parsed from diff
    /// text, where a content line can look like a header), each read through the workspace's confined, bounded reader.
    /// </summary>
    private static async Task<(IReadOnlyList<string> Paths, IReadOnlyList<FileEdit> Text)> ChangedFilesAsync(
        IFeatureWorkspace workspace, CancellationToken cancellationToken)
    {
        const int MaxChangedFileBytes = 1024 * 1024;
        var files = new List<FileEdit>();
        var paths = await workspace.GetChangedFilesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var path in paths)
        {
            var file = await workspace.ReadFileAsync(path, MaxChangedFileBytes, cancellationToken).ConfigureAwait(false);
            if (!file.IsBinary)
            {
                files.Add(new FileEdit(file.Path, file.Text));
            }
        }

        return (paths, files);
    }
}
