using System.Diagnostics;
using Factory.Dataflow;

namespace Factory.Benchmarks.Support;

/// <summary>
/// Stages with the simulated latencies (PLAN 50 ms, SCOUT 30, BUILD 200, VALIDATE 100, TEST 150, REVIEW 80)
/// and a third of requests failing one gate once (every sixth at VALIDATE, every sixth at TEST), so the feedback loop
/// carries real traffic. Model stages wait (a remote server does the work); gates either wait too or burn CPU on
/// their own thread, the way ruff, mypy and pytest burn it in child processes.
/// </summary>
internal static class SimulatedWork
{
    public static readonly IReadOnlyDictionary<StageName, int> LatencyMs = new Dictionary<StageName, int>
    {
        [StageName.Plan] = 50,
        [StageName.Scout] = 30,
        [StageName.Build] = 200,
        [StageName.Validate] = 100,
        [StageName.Test] = 150,
        [StageName.Review] = 80,
    };

    /// <summary>
    /// Calls per request, from the failure pattern: a VALIDATE failure costs one more BUILD and VALIDATE, a TEST failure
    /// one more BUILD, VALIDATE and TEST. So BUILD and VALIDATE run 1 + 1/3 times, TEST 1 + 1/6.
    /// </summary>
    public static readonly IReadOnlyDictionary<StageName, double> Visits = new Dictionary<StageName, double>
    {
        [StageName.Plan] = 1,
        [StageName.Scout] = 1,
        [StageName.Build] = 4.0 / 3,
        [StageName.Validate] = 4.0 / 3,
        [StageName.Test] = 7.0 / 6,
        [StageName.Review] = 1,
    };

    /// <summary>The pipelining bound: the slowest stage's limit over its work per request, in requests per second.</summary>
    public static double BoundRequestsPerSecond(Func<StageName, int> limit) =>
        LatencyMs.Keys.Min(stage => limit(stage) / (LatencyMs[stage] / 1000.0 * Visits[stage]));

    public static bool FailsOnce(FeatureRequest request, StageName stage)
    {
        // Ids come from NoOpStages.Requests: "req-000123".
        var number = int.Parse(request.Id.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
        return (stage, number % 6) is (StageName.Validate, 0) or (StageName.Test, 3);
    }

    public static IFactoryStage Stage(StageName stage, bool cpuBoundGates) =>
        new DelegateStage(async (context, token) =>
        {
            var latency = LatencyMs[stage];
            if (cpuBoundGates && stage is StageName.Validate or StageName.Test)
            {
                await BurnCpuAsync(latency).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(latency, token).ConfigureAwait(false);
            }

            return Result(context, stage);
        });

    public static FactoryPipelineBuilder Builder(bool cpuBoundGates)
    {
        var builder = new FactoryPipelineBuilder();
        foreach (var stage in LatencyMs.Keys)
        {
            builder.Use(stage, Stage(stage, cpuBoundGates));
        }

        return builder;
    }

    public static StageResult Result(StageContext context, StageName stage) => stage switch
    {
        StageName.Plan => StageResult.Success(NoOpStages.Spec),
        StageName.Scout => StageResult.Success(NoOpStages.Brief),
        StageName.Review => StageResult.Success(new ReviewVerdict(true, ["meets every criterion"])),
        _ when context.BuildAttempt == 1 && FailsOnce(context.Request, stage) => StageResult.Failure($"simulated {stage} failure"),
        _ => StageResult.Success(),
    };

    /// <summary>
    /// Does about <paramref name="milliseconds"/> of CPU work, as measured on an idle core (see <see cref="SpinsPerMs"/>).
    /// It runs on its own thread (as a child process would), so busy gates compete for cores, not for thread-pool
    /// threads; on a busy machine the same work takes longer, which is the limit question 4 looks for.
    /// </summary>
    private static Task<long> BurnCpuAsync(int milliseconds) =>
        Task.Factory.StartNew(
            static state => Spin((long)state!),
            milliseconds * SpinsPerMs.Value,
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>Calibrated once: the best of several 20 ms samples, so a busy moment does not shrink the work.</summary>
    private static readonly Lazy<long> SpinsPerMs = new(() =>
    {
        var best = 0.0;
        for (var sample = 0; sample < 10; sample++)
        {
            var clock = Stopwatch.StartNew();
            Spin(2_000_000);
            best = Math.Max(best, 2_000_000 / clock.Elapsed.TotalMilliseconds);
        }

        return (long)best;
    });

    private static long Spin(long count)
    {
        var x = 1L;
        for (var i = 0L; i < count; i++)
        {
            x = (x * 6364136223846793005L) + i;
        }

        return x;
    }
}
