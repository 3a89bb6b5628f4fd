using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Factory.Benchmarks.Support;
using Factory.Dataflow;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Benchmarks.Gates;

/// <summary>
/// Question 3: what the real gates cost on the sample app with the /health change built, and what each saving is
/// worth. Three comparisons, each against its own plain baseline (grouped by category, so Ratio is within a group):
/// VALIDATE with a cold mypy cache against the shared warm one (and mypy alone, cold against warm); ruff and mypy one after the other against side by side;
/// pytest without coverage against with coverage, and against the whole TEST stage (two pytest runs under coverage).
/// </summary>
[Config(typeof(Settings))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GateCostBenchmarks
{
    private SampleWorkspace _sample = null!;
    private ValidateStage _warmValidate = null!;
    private GateOptions _options = null!;
    private GateOptions? _warmOptions;
    private string _scratch = "";
    private int _coldRuns;
    private TimeSpan _ruffCpu;
    private int _ruffRuns;
    private readonly Dictionary<bool, (TimeSpan Cpu, int Runs)> _pytestCpu = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sample = await SampleWorkspace.CreateAsync();
        _options = _sample.Options("mypy-shared").ValidateAndCopy();
        _warmValidate = new ValidateStage(_sample.Runner, _options);
        _scratch = Directory.CreateTempSubdirectory("factory-bench-cov-").FullName;

        // Warm the shared cache once, and prove the change passes: a failing gate would measure the wrong work.
        Passed(await _warmValidate.ExecuteAsync(_sample.Context(StageName.Validate), CancellationToken.None));
        // Through the jail, as TEST's writer would: a file that appears in the worktree any other way stops the change.
        var written = await _sample.Workspace.WriteAsync([new FileEdit(SampleChange.TestPath, SampleChange.HealthTest)], WriterRole.Test, CancellationToken.None);
        if (!written.Accepted)
        {
            throw new InvalidOperationException($"The sample test was refused: {written.Rejection}");
        }

        Passed(await _sample.Runner.RunAsync(Mypy(), CancellationToken.None));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_ruffRuns > 0)
        {
            // The kernel's count (the run's cgroup) for the lints of this benchmark case: what each ruff run cost in CPU.
            Console.WriteLine($"// issue 15, ruff served: {_ruffRuns} lints, cpu {_ruffCpu.TotalMilliseconds / _ruffRuns:0} ms each");
        }

        foreach (var (warm, (cpu, runs)) in _pytestCpu)
        {
            Console.WriteLine($"// issue 15, pytest {(warm ? "warm" : "fresh")}: {runs} runs, cpu {cpu.TotalMilliseconds / runs:0} ms each");
        }

        Directory.Delete(_scratch, recursive: true);
        await _sample.DisposeAsync();
    }

    /// <summary>The seed's VALIDATE: mypy starts from nothing every time (a fresh cache folder per run).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("mypy cache")]
    public async Task<bool> ValidateCold()
    {
        var stage = new ValidateStage(_sample.Runner, _sample.Options($"mypy-cold-{++_coldRuns}"));
        return Passed(await stage.ExecuteAsync(_sample.Context(StageName.Validate), CancellationToken.None));
    }

    [Benchmark, BenchmarkCategory("mypy cache")]
    public async Task<bool> ValidateWarmSharedCache() =>
        Passed(await _warmValidate.ExecuteAsync(_sample.Context(StageName.Validate), CancellationToken.None));

    /// <summary>mypy alone from an empty cache: inside VALIDATE ruff runs alongside and can hide what the cache saves.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("mypy alone")]
    public async Task<bool> MypyCold() =>
        Passed(await _sample.Runner.RunAsync(Mypy($"mypy-alone-cold-{++_coldRuns}"), CancellationToken.None));

    [Benchmark, BenchmarkCategory("mypy alone")]
    public async Task<bool> MypyWarm() => Passed(await _sample.Runner.RunAsync(Mypy(), CancellationToken.None));

    /// <summary>ruff, then mypy (warm cache), as a simple gate would run them.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("ruff+mypy")]
    public async Task<bool> RuffThenMypy()
    {
        var lint = await _sample.Runner.RunAsync(Ruff(), CancellationToken.None);
        var types = await _sample.Runner.RunAsync(Mypy(), CancellationToken.None);
        return Passed(lint) && Passed(types);
    }

    [Benchmark, BenchmarkCategory("ruff+mypy")]
    public async Task<bool> RuffAndMypyConcurrently()
    {
        var lint = _sample.Runner.RunAsync(Ruff(), CancellationToken.None);
        var types = _sample.Runner.RunAsync(Mypy(), CancellationToken.None);
        return Passed(await lint) && Passed(await types);
    }

    /// <summary>The whole suite (with the new health test) once, no coverage.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("coverage")]
    public async Task<bool> PytestPlain() =>
        Passed(await _sample.Runner.RunAsync(Pytest([]), CancellationToken.None));

    [Benchmark, BenchmarkCategory("coverage")]
    public async Task<bool> PytestWithCoverage() =>
        Passed(await _sample.Runner.RunAsync(Pytest(["--cov=app", "--cov-report=term-missing", "--cov-fail-under=80"]), CancellationToken.None));

    /// <summary>TEST as it is: existing suite under coverage, then the new test appended to the same coverage data.</summary>
    [Benchmark, BenchmarkCategory("coverage")]
    public async Task<bool> TestStageWhole()
    {
        var newTest = new FileEdit("tests/test_health_new.py", SampleChange.HealthTest);
        var stage = new TestStage(new FixedTestWriter(newTest), _sample.Runner, _options);
        try
        {
            return Passed(await stage.ExecuteAsync(_sample.Context(StageName.Test), CancellationToken.None));
        }
        finally
        {
            // The next run must find the same suite: the stage writes the new test into the worktree.
            File.Delete(Path.Combine(_sample.Root, newTest.Path));
        }
    }

    /// <summary>Issue 15 item 2: TEST's whole-suite run with coverage (PytestRun) in a fresh sandboxed interpreter.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("pytest warm")]
    public Task<bool> PytestRunFresh() => PytestRunAsync(warm: false);

    /// <summary>The same run as a child of the warm pytest server (GateOptions.WarmPytest), confined as a fresh sandbox.</summary>
    [Benchmark, BenchmarkCategory("pytest warm")]
    public Task<bool> PytestRunWarm() => PytestRunAsync(warm: true);

    private async Task<bool> PytestRunAsync(bool warm)
    {
        var options = warm ? _warmOptions ??= WithWarmPytest(_options) : _options;
        var run = await PytestRun.RunAsync(
            _sample.Runner, options, _sample.Config, _sample.Root, _sample.Config.EffectiveTestFolders, coverage: true, options.TestTimeout,
            CancellationToken.None, warm: warm);
        if (run.Run.Served != warm)
        {
            throw new InvalidOperationException($"The run was {(run.Run.Served ? "" : "not ")}served warm, so the benchmark would measure the wrong work.");
        }

        var (cpu, runs) = _pytestCpu.GetValueOrDefault(warm);
        _pytestCpu[warm] = (cpu + (run.Run.CpuTime ?? TimeSpan.Zero), runs + 1);
        return Passed(run.Run);
    }

    private static GateOptions WithWarmPytest(GateOptions options)
    {
        var warm = options.ValidateAndCopy();
        warm.WarmPytest = true;
        return warm;
    }

    /// <summary>
    /// tools/ruff's wrapper under node with V8's defaults (Liftoff, then TurboFan for hot functions): how it ran before its
    /// shebang turned tier-up off. Run directly, not in the sandbox, so only the flags differ from the next benchmark.
    /// </summary>
    [Benchmark(Baseline = true), BenchmarkCategory("ruff wasm")]
    public Task<int> RuffWasmDefault() => RuffWasm.CheckAsync(_sample.Root);

    /// <summary>The same check with V8's WebAssembly tier-up off: the short-lived process never pays for TurboFan.</summary>
    [Benchmark, BenchmarkCategory("ruff wasm")]
    public Task<int> RuffWasmNoTierUp() => RuffWasm.CheckAsync(_sample.Root, "--no-wasm-tier-up", "--no-wasm-dynamic-tiering");

    /// <summary>Issue 15: VALIDATE's ruff as a fresh sandboxed process per lint (node starts, the module compiles).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("ruff served")]
    public async Task<bool> RuffFresh() => Passed(Counted(await _sample.Runner.RunAsync(Ruff(), CancellationToken.None)));

    /// <summary>The same lint through the long-lived served ruff (compiled once, fed the worktree's files).</summary>
    [Benchmark, BenchmarkCategory("ruff served")]
    public async Task<bool> RuffServed() =>
        Passed(Counted(await (RuffServer.For(_sample.Runner) ?? throw new InvalidOperationException("ruff is not the WebAssembly wrapper here"))
            .TryRunAsync(Ruff(), CancellationToken.None) ?? throw new InvalidOperationException("the served ruff would not take the sample app")));

    private SandboxResult Counted(SandboxResult result)
    {
        _ruffCpu += result.CpuTime ?? TimeSpan.Zero;
        _ruffRuns++;
        return result;
    }

    private SandboxCommand Ruff() => GateCommands.Create(_sample.Config.Lint, _sample.Root, _sample.Config, _options, _options.ValidateTimeout);

    private SandboxCommand Mypy(string cacheName = "mypy-direct")
    {
        var cache = Path.Combine(_sample.Repo.StatePath, cacheName);
        Directory.CreateDirectory(cache);
        var command = GateCommands.Create([.. _sample.Config.EffectiveTypeCheck, "--cache-dir", cache], _sample.Root, _sample.Config, _options, _options.ValidateTimeout);
        return command with { WritablePaths = [cache] };
    }

    private SandboxCommand Pytest(IReadOnlyList<string> extra) =>
        GateCommands.Create([.. _sample.Config.Test, "-p", "no:cacheprovider", .. extra, .. _sample.Config.EffectiveTestFolders], _sample.Root, _sample.Config, _options, _options.TestTimeout) with
        {
            WritablePaths = [_scratch],
            Environment = new Dictionary<string, string> { ["COVERAGE_FILE"] = Path.Combine(_scratch, ".coverage") },
        };

    private static bool Passed(StageResult result) =>
        result.Ok ? true : throw new InvalidOperationException($"A gate failed, so the benchmark would measure the wrong work:\n{result.Detail}");

    private static bool Passed(SandboxResult result) =>
        result.ExitCode == 0 ? true : throw new InvalidOperationException($"A gate exited {result.ExitCode}, so the benchmark would measure the wrong work:\n{result.Output}");

    private sealed class Settings : ManualConfig
    {
        public Settings()
        {
            AddFilter(GateTools.Filter("question 3 (gate cost)"));

            // Only meaningful where ruff is the WebAssembly wrapper; a native ruff has no tier-up to switch off.
            AddFilter(new BenchmarkDotNet.Filters.SimpleFilter(benchmark =>
                !(benchmark.Descriptor.HasCategory("ruff wasm") || benchmark.Descriptor.HasCategory("ruff served")) || RuffWasm.Script.Value is not null));
        }
    }
}
