using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Factory.Benchmarks.Support;
using Factory.Dataflow;

namespace Factory.Benchmarks.Pipelining;

/// <summary>
/// Question 2: how close the graph gets to the throughput its slowest stage allows. Simulated latencies (see
/// <see cref="SimulatedWork"/>), a third of requests failing a gate once, per-stage limits below. The bound is BUILD's:
/// 4 at once over 200 ms x 4/3 calls = 15 requests/s. One operation is one request; OfBound is the target figure.
/// </summary>
[Config(typeof(Columns))]
public class PipeliningBenchmarks
{
    // Long enough that filling and draining the pipeline (about 0.7 s) is a small part of the run.
    private const int Backlog = 300;

    // The seed's one-at-a-time loop takes about 0.75 s a request; a dozen gives a stable mean.
    private const int SequentialBacklog = 12;

    private static readonly Dictionary<StageName, int> Limits = new()
    {
        [StageName.Plan] = 1,
        [StageName.Scout] = 1,
        [StageName.Build] = 4,
        [StageName.Validate] = 3,
        [StageName.Test] = 3,
        [StageName.Review] = 2,
    };

    private FeatureRequest[] _requests = [];

    public static double Bound => SimulatedWork.BoundRequestsPerSecond(stage => Limits[stage]);

    [GlobalSetup]
    public void Setup() => _requests = NoOpStages.Requests(Backlog);

    /// <summary>One request at a time, as the seed runs them.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SequentialBacklog)]
    public Task<int> Sequential() =>
        SequentialPipeline.RunAsync(_requests[..SequentialBacklog], stage => SimulatedWork.Stage(stage, cpuBoundGates: false));

    [Benchmark(OperationsPerInvoke = Backlog)]
    public async Task<int> Graph()
    {
        await using var pipeline = SimulatedWork.Builder(cpuBoundGates: false)
            .Configure(o =>
            {
                foreach (var (stage, limit) in Limits)
                {
                    // Room for a finished request to wait for the next block without stopping this one's work.
                    o.For(stage).MaxDegreeOfParallelism = limit;
                    o.For(stage).BoundedCapacity = 2 * limit;
                }
            })
            .Build();
        return await PipelineDriver.RunBacklogAsync(pipeline, _requests).ConfigureAwait(false);
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(RequestRateColumn.RequestsPerSecond);
            AddColumn(RequestRateColumn.OfBound(_ => Bound));
        }
    }
}
