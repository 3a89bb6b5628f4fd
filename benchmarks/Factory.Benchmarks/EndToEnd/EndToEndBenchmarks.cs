using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Factory.Benchmarks.Support;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Benchmarks.EndToEnd;

/// <summary>
/// Question 5: the standard stages end to end on the sample app, with real git, ruff, mypy and pytest in the sandbox
/// and every model call answered by a loopback Ollama-compatible server after 300 ms. The graph takes a backlog of 30
/// requests; the baseline runs requests one at a time, as the seed does. One operation is one approved request
/// (anything not approved fails the run), so Req/s is approved requests per second. Where the time goes per stage
/// is read back from the traces and printed in the log as "// question 5 ...".
/// </summary>
/// <remarks>
/// ruff is the installed one: tools/ruff's wrapper now keeps V8's WebAssembly tier-up off (question 3 measures what
/// that is worth), so the variant that put a no-tier-up ruff on the sandbox's search path is gone.
/// </remarks>
[Config(typeof(Settings))]
public class EndToEndBenchmarks
{
    private const int Backlog = 30;
    private const int SequentialBacklog = 3;

    private readonly StageTimes _graphTimes = new();
    private SampleRepo _repo = null!;
    private FakeOllamaServer _server = null!;
    private StageChatFactory _chats = null!;
    private ModelOptions _models = null!;
    private SandboxedRunner _runner = null!;
    private GateOptions _gates = null!;
    private int _invocation;

    /// <summary>Issue 15 item 2: TEST's pytest from the warm server (<see cref="GateOptions.WarmPytest"/>) or fresh; ruff is served in both.</summary>
    [Params(false, true)]
    public bool WarmPytest { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _repo = SampleRepo.Create();
        _server = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(_server);
        _models = ScriptedModels.Options(_server);
        _chats = StageChatFactory.ForOllama(_models, handler: new DelayingHandler(TimeSpan.FromMilliseconds(300)));
        _runner = new SandboxedRunner(new SandboxOptions());
        _gates = new GateOptions { MypyCacheDirectory = Path.Combine(_repo.StatePath, "mypy"), ServeRuff = true, WarmPytest = WarmPytest };

        // One request first, so the shared mypy cache is warm as it is after a factory's first request of the day.
        await RunSequentiallyAsync(1);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        // The JIT is most of this process's own CPU in a run this short, so say which tiering it ran with.
        // Since .NET 9 the environment variable wins over the project's runtimeconfig setting, which AppContext still shows.
        var tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") is { } fromEnvironment
            ? $"{fromEnvironment} (DOTNET_TieredCompilation)"
            : AppContext.GetData("System.Runtime.TieredCompilation") ?? "default (on)";
        if (_graphTimes.Report($"question 5, graph, WarmPytest={WarmPytest}, TieredCompilation={tiered}") is { } report)
        {
            Console.WriteLine(report);
        }

        _chats.Dispose();
        await _server.DisposeAsync();
        _repo.Dispose();
    }

    /// <summary>The seed's design: each request runs to its outcome before the next starts.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SequentialBacklog)]
    public Task<int> Sequential() => RunSequentiallyAsync(SequentialBacklog);

    [Benchmark(OperationsPerInvoke = Backlog)]
    public async Task<int> Graph()
    {
        var (runs, requests) = NextBatch(Backlog);
        var before = ProcessCpu.Now();
        int approved;
        await using (var pipeline = Builder(runs).Build())
        {
            approved = await PipelineDriver.RunBacklogAsync(pipeline, requests);
        }

        var after = ProcessCpu.Now();
        _graphTimes.Add(runs, after.Own - before.Own, after.Children - before.Children);
        return approved;
    }

    private async Task<int> RunSequentiallyAsync(int count)
    {
        var (runs, requests) = NextBatch(count);
        await using var pipeline = Builder(runs).Build();
        var approved = 0;
        foreach (var request in requests)
        {
            var outcome = await pipeline.RunAsync(request);
            approved += outcome.IsApproved
                ? 1
                : throw new InvalidOperationException($"{request.Id} ended {outcome.StatusName}: {outcome.Reason}");
        }

        return approved;
    }

    private FactoryPipelineBuilder Builder(string runs) =>
        new FactoryPipelineBuilder()
            .UseStandardStages(_chats, _models, _runner, _gates)
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = _repo.CheckoutPath, StateDirectory = _repo.StatePath }))
            .Configure(o => o.RunsDirectory = runs);

    /// <summary>Fresh ids (they name branches, which stay in the repository) and a fresh runs folder per invocation.</summary>
    private (string Runs, FeatureRequest[] Requests) NextBatch(int count)
    {
        var batch = ++_invocation;
        var runs = Path.Combine(_repo.RunsPath, $"batch-{batch:D4}");
        var requests = Enumerable.Range(0, count)
            .Select(i => new FeatureRequest($"b{batch:D4}-req-{i:D3}", "add a /health endpoint returning status ok"))
            .ToArray();
        return (runs, requests);
    }

    private sealed class Settings : ManualConfig
    {
        public Settings()
        {
            AddColumn(RequestRateColumn.RequestsPerSecond);
            AddFilter(GateTools.Filter("question 5 (end to end)"));
        }
    }
}
