using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Factory.Benchmarks.Support;
using Factory.Dataflow;

namespace Factory.Benchmarks.Scaling;

/// <summary>
/// Question 4: throughput as every stage's limit grows (1, 2, 4, 8), with the simulated latencies. With waiting gates
/// nothing but the graph limits throughput, so it should follow the bound (3.75 requests/s per unit of limit). With
/// CPU-bound gates (VALIDATE and TEST burn their latency in CPU, as ruff, mypy and pytest do) the machine caps it:
/// 2 cores over 0.31 s of gate CPU per request is about 6.5 requests/s, whatever the limit.
/// </summary>
/// <remarks>
/// One method per limit, because the backlog (twelve requests per unit of limit, about 3 s of steady work at the
/// bound) must be each method's constant OperationsPerInvoke for Mean to stay "per request" and Ratio to compare.
/// </remarks>
[Config(typeof(Columns))]
public class ScalingBenchmarks
{
    private const int PerUnit = 12;
    private FeatureRequest[] _requests = [];

    [Params(false, true)]
    public bool CpuBoundGates { get; set; }

    [GlobalSetup]
    public void Setup() => _requests = NoOpStages.Requests(8 * PerUnit);

    /// <summary>The seed's one-at-a-time loop on the same stages: four requests, about 3 s.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 4)]
    public Task<int> Sequential() =>
        SequentialPipeline.RunAsync(_requests[..4], stage => SimulatedWork.Stage(stage, CpuBoundGates));

    [Benchmark(OperationsPerInvoke = 1 * PerUnit)]
    public Task<int> Limit1() => RunGraphAsync(1);

    [Benchmark(OperationsPerInvoke = 2 * PerUnit)]
    public Task<int> Limit2() => RunGraphAsync(2);

    [Benchmark(OperationsPerInvoke = 4 * PerUnit)]
    public Task<int> Limit4() => RunGraphAsync(4);

    [Benchmark(OperationsPerInvoke = 8 * PerUnit)]
    public Task<int> Limit8() => RunGraphAsync(8);

    private async Task<int> RunGraphAsync(int limit)
    {
        await using var pipeline = SimulatedWork.Builder(CpuBoundGates)
            .Configure(o =>
            {
                foreach (var stage in SimulatedWork.LatencyMs.Keys)
                {
                    o.For(stage).MaxDegreeOfParallelism = limit;
                    o.For(stage).BoundedCapacity = 2 * limit;
                }
            })
            .Build();
        return await PipelineDriver.RunBacklogAsync(pipeline, _requests[..(limit * PerUnit)]).ConfigureAwait(false);
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(RequestRateColumn.RequestsPerSecond);
            AddColumn(RequestRateColumn.OfBound(benchmark =>
                benchmark.Descriptor.WorkloadMethod.Name is var name && name.StartsWith("Limit", StringComparison.Ordinal)
                    ? SimulatedWork.BoundRequestsPerSecond(_ => int.Parse(name.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture))
                    : null));
        }
    }
}
