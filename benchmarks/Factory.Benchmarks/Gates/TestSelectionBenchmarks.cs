using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using Factory.Benchmarks.Support;
using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Dataflow.Workspace;

namespace Factory.Benchmarks.Gates;

/// <summary>
/// One TEST attempt on a real project's suite, with and without the fail-fast run of the tests that cover what the
/// change touches: a change that breaks tests (the attempt fails) and one that passes. The project is a git checkout
/// named by <c>FACTORY_SELECTION_REPO</c> (pallets/itsdangerous at 672971d with its <c>.factory/gates.json</c>
/// committed, see docs/benchmarks.md); without it the benchmarks are left out. The base check's stored answers are
/// removed before every attempt, so each attempt pays for its own check, as a first attempt does.
/// </summary>
[Config(typeof(Settings))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class TestSelectionBenchmarks
{
    private const string UrlSafe = "src/itsdangerous/url_safe.py";
    private const string Helper = "\n\ndef is_compressed(token: str) -> bool:\n    \"\"\"True when the token's payload is zlib-compressed.\"\"\"\n    return token.startswith(\".\")\n";

    private static readonly FileEdit s_newTest = new(
        "tests/test_itsdangerous/test_is_compressed.py",
        "from itsdangerous.url_safe import is_compressed\n\n\ndef test_is_compressed() -> None:\n    assert is_compressed(\".eJw\")\n    assert not is_compressed(\"eyJ\")\n");

    private IFeatureWorkspace _workspace = null!;
    private GateOptions _options = null!;
    private Factory.Dataflow.Sandbox.SandboxedRunner _runner = null!;
    private DirectoryInfo _state = null!;

    /// <summary><c>breaking</c>: compressed tokens no longer load (66 tests run url_safe.py, some fail); <c>passing</c>: a new helper with its test.</summary>
    [Params("breaking", "passing")]
    public string Change { get; set; } = "passing";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var repository = Environment.GetEnvironmentVariable("FACTORY_SELECTION_REPO")!;
        _state = Directory.CreateTempSubdirectory("factory-bench-selection-");
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repository, StateDirectory = _state.FullName });
        _workspace = await provider.CreateAsync(new FeatureRequest("bench-selection", "add is_compressed"), null, CancellationToken.None);
        var source = await File.ReadAllTextAsync(Path.Combine(_workspace.RootPath, UrlSafe));
        var changed = Change == "breaking" ? source.Replace("payload.startswith(b\".\")", "payload.startswith(b\"!\")", StringComparison.Ordinal) + Helper : source + Helper;
        var report = await _workspace.WriteAsync([new FileEdit(UrlSafe, changed)], WriterRole.Build, CancellationToken.None);
        if (!report.Accepted)
        {
            throw new InvalidOperationException(report.Rejection);
        }

        _runner = new Factory.Dataflow.Sandbox.SandboxedRunner(new Factory.Dataflow.Sandbox.SandboxOptions());
        _options = new GateOptions { MypyCacheDirectory = Path.Combine(_state.FullName, "mypy") };

        // The baseline (with per-test coverage) is computed here, once, as a batch computes it once per base commit.
        var first = await AttemptAsync(selectFrom: TimeSpan.MaxValue);
        if (first.Ok != (Change == "passing"))
        {
            throw new InvalidOperationException($"The '{Change}' change did not end as expected, so the benchmark would measure the wrong work:\n{first.Detail}");
        }
    }

    [IterationSetup]
    public void ForgetBaseChecks()
    {
        var stored = Path.Combine(_state.FullName, "baseline", "new-tests-on-base");
        if (Directory.Exists(stored))
        {
            Directory.Delete(stored, recursive: true);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _workspace.DisposeAsync();
        _state.Delete(recursive: true);
    }

    /// <summary>The whole suite directly, as before selection.</summary>
    [Benchmark(Baseline = true)]
    public async Task<bool> WholeSuite() => (await AttemptAsync(TimeSpan.MaxValue)).Ok;

    /// <summary>The covering tests and the new test first, then the whole suite only if they pass.</summary>
    [Benchmark]
    public async Task<bool> SelectedFirst() => (await AttemptAsync(TimeSpan.Zero)).Ok;

    private async Task<StageResult> AttemptAsync(TimeSpan selectFrom)
    {
        _options.TestSelectionMinimumSuite = selectFrom;
        var context = new StageContext(
            new FeatureRequest("bench-selection", "add is_compressed"), StageName.Test, 1, NoOpStages.Spec, NoOpStages.Brief, _workspace, null, null, 1,
            new RequestBudget(), null);
        var result = await new TestStage(new FixedTestWriter(s_newTest), _runner, _options).ExecuteAsync(context, CancellationToken.None);
        Console.WriteLine($"// TEST {Change} select={selectFrom == TimeSpan.Zero}: ok={result.Ok} " +
            string.Join(' ', context.Usage.Extras.Select(e => $"{e.Key}={e.Value}")));
        return result;
    }

    private sealed class Settings : ManualConfig
    {
        public Settings() =>
            AddFilter(new SimpleFilter(_ => Environment.GetEnvironmentVariable("FACTORY_SELECTION_REPO") is { Length: > 0 } path && Directory.Exists(path)));
    }
}
