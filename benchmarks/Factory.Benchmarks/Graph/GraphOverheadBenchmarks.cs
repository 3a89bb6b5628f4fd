using BenchmarkDotNet.Attributes;
using Factory.Benchmarks.Support;
using Factory.Dataflow;
using Factory.Dataflow.Budget;

namespace Factory.Benchmarks.Graph;

/// <summary>
/// Question 1: what the graph itself costs per request. Both benchmarks push the same backlog through the same six
/// no-op stages; the baseline calls them in a plain loop, so the difference is the graph (blocks, links, routing,
/// timeouts, metrics, trace events). One operation is one request: Mean is seconds per request, its inverse requests/s.
/// </summary>
[MemoryDiagnoser]
public class GraphOverheadBenchmarks
{
    private const int Backlog = 20_000;
    private FeatureRequest[] _requests = [];

    [GlobalSetup]
    public void Setup() => _requests = NoOpStages.Requests(Backlog);

    /// <summary>The six stages called one after another for each request, with the context each stage call needs.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Backlog)]
    public async Task<int> HandWrittenLoop()
    {
        var passed = 0;
        foreach (var request in _requests)
        {
            var budget = new RequestBudget();
            var ok = true;
            foreach (var (name, stage) in NoOpStages.All)
            {
                var context = new StageContext(request, name, 1, NoOpStages.Spec, NoOpStages.Brief, null, null, null, 1, budget, null);
                ok &= (await stage.ExecuteAsync(context, CancellationToken.None).ConfigureAwait(false)).Ok;
            }

            passed += ok ? 1 : 0;
        }

        return passed;
    }

    /// <summary>The whole graph with default options and no trace files (the null sink), as an embedder runs it.</summary>
    [Benchmark(OperationsPerInvoke = Backlog)]
    public async Task<int> Graph()
    {
        await using var pipeline = NoOpStages.Builder().Build();
        return await PipelineDriver.RunBacklogAsync(pipeline, _requests).ConfigureAwait(false);
    }
}
