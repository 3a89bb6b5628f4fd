using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Factory.Dataflow.Diagnostics;

/// <summary>
/// The names Factory emits telemetry under. Listen with OpenTelemetry (<c>AddSource</c>/<c>AddMeter</c> with
/// <see cref="SourceName"/>) or an <see cref="ActivityListener"/>/<see cref="MeterListener"/>.
/// </summary>
public static class FactoryDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>: "Factory.Dataflow".</summary>
    public const string SourceName = "Factory.Dataflow";

    /// <summary>Activity of one request, from acceptance to outcome: "factory.request".</summary>
    public const string RequestActivityName = "factory.request";

    /// <summary>Activity of one stage attempt: "factory.stage".</summary>
    public const string StageActivityName = "factory.stage";

    /// <summary>Histogram of stage attempt durations in ms, tags stage and eval_ok: "factory.stage.duration".</summary>
    public const string StageDurationName = "factory.stage.duration";

    /// <summary>Counter of tokens, tags stage, model and direction (in/out): "factory.stage.tokens".</summary>
    public const string StageTokensName = "factory.stage.tokens";

    /// <summary>Counter of retries inside stage attempts, tag stage: "factory.stage.retries".</summary>
    public const string StageRetriesName = "factory.stage.retries";

    /// <summary>Counter of outcomes, tag outcome: "factory.requests.outcomes".</summary>
    public const string OutcomesName = "factory.requests.outcomes";

    /// <summary>Gauge of requests waiting in each stage's block, tag stage: "factory.stage.queue_depth".</summary>
    public const string QueueDepthName = "factory.stage.queue_depth";

    internal static readonly ActivitySource ActivitySource = new(SourceName, "1.0.0");

    internal static readonly Meter Meter = new(SourceName, "1.0.0");

    internal static readonly Histogram<double> StageDuration =
        Meter.CreateHistogram<double>(StageDurationName, "ms", "Duration of one stage attempt.");

    internal static readonly Counter<long> StageTokens =
        Meter.CreateCounter<long>(StageTokensName, "{token}", "Tokens used by model stages.");

    internal static readonly Counter<long> StageRetries =
        Meter.CreateCounter<long>(StageRetriesName, "{retry}", "Transport and repair retries inside stage attempts.");

    internal static readonly Counter<long> Outcomes =
        Meter.CreateCounter<long>(OutcomesName, "{request}", "Requests ended, by outcome.");

    // Queue depth is read from the live graphs when a listener asks; graphs register while they run.
    private static readonly ConcurrentDictionary<object, Func<IEnumerable<KeyValuePair<string, int>>>> QueueDepthSources = new();

    internal static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge(
        QueueDepthName,
        ObserveQueueDepth,
        "{request}",
        "Requests waiting in each stage's block.");

    internal static void RegisterQueueDepth(object graph, Func<IEnumerable<KeyValuePair<string, int>>> read) =>
        QueueDepthSources[graph] = read;

    internal static void UnregisterQueueDepth(object graph) => QueueDepthSources.TryRemove(graph, out _);

    private static IEnumerable<Measurement<int>> ObserveQueueDepth()
    {
        foreach (var source in QueueDepthSources.Values)
        {
            foreach (var (stage, depth) in source())
            {
                yield return new Measurement<int>(depth, new KeyValuePair<string, object?>("stage", stage));
            }
        }
    }
}
