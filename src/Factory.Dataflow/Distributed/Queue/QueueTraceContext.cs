using System.Diagnostics;
using Factory.Dataflow.Diagnostics;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// Carries the OpenTelemetry trace across the queue: the publisher's activity goes into W3C <c>traceparent</c> /
/// <c>tracestate</c> headers, and the worker's activity for the delivery continues that trace, so the request's own
/// activities (<see cref="FactoryDiagnostics.RequestActivityName"/> and its stages) hang under the publish.
/// </summary>
public static class QueueTraceContext
{
    /// <summary>Activity of publishing one request to the queue: "factory.queue.publish".</summary>
    public const string PublishActivityName = "factory.queue.publish";

    /// <summary>Activity of one delivery on a worker, from receipt to ack or release: "factory.queue.process".</summary>
    public const string ProcessActivityName = "factory.queue.process";

    /// <summary>Starts the publish activity (when anyone listens) and returns the headers that carry it.</summary>
    public static (Activity? Activity, IReadOnlyDictionary<string, string> Headers) StartPublish(string requestId)
    {
        var activity = FactoryDiagnostics.ActivitySource.StartActivity(PublishActivityName, ActivityKind.Producer);
        activity?.SetTag("factory.request_id", requestId);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((activity ?? Activity.Current) is { } current)
        {
            DistributedContextPropagator.Current.Inject(current, headers, static (carrier, name, value) =>
            {
                if (carrier is Dictionary<string, string> map && value is not null)
                {
                    map[name] = value;
                }
            });
        }

        return (activity, headers);
    }

    /// <summary>Starts the process activity as a child of the trace in <paramref name="headers"/> (a new trace when none).</summary>
    public static Activity? StartProcess(IReadOnlyDictionary<string, string> headers, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(headers);
        DistributedContextPropagator.Current.ExtractTraceIdAndState(
            headers,
            static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                value = carrier is IReadOnlyDictionary<string, string> map && map.TryGetValue(name, out var found) ? found : null;
            },
            out var traceParent,
            out var traceState);
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
        var activity = FactoryDiagnostics.ActivitySource.StartActivity(ProcessActivityName, ActivityKind.Consumer, parent);
        activity?.SetTag("factory.request_id", requestId);
        return activity;
    }
}
