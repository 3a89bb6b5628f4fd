using Factory.Dataflow;
using Factory.Dataflow.Tracing;

namespace Factory.Runner.Progress;

/// <summary>
/// A trace sink that turns every stage attempt into a progress event and keeps the running token and cost totals
/// of the whole command (the batch budget reads them).
/// </summary>
internal sealed class ProgressTraceSink(IProgressView view) : ITraceSink
{
    private long _tokens;
    private long _costMicros;

    /// <summary>Tokens spent by every attempt so far.</summary>
    public long Tokens => Interlocked.Read(ref _tokens);

    /// <summary>Cost of every attempt so far.</summary>
    public decimal Cost => Interlocked.Read(ref _costMicros) / 1_000_000m;

    public IRequestTrace Open(FeatureRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        view.Started(request);
        return new Trace(this, request.Id);
    }

    private void Record(TraceEvent traceEvent, string requestId)
    {
        if (traceEvent.Stage == "pipeline")
        {
            return;
        }

        var tokens = Convert.ToInt64(traceEvent["tokens_in"] ?? 0L, System.Globalization.CultureInfo.InvariantCulture)
            + Convert.ToInt64(traceEvent["tokens_out"] ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        var cost = traceEvent["cost"] is decimal d ? d : 0m;
        Interlocked.Add(ref _tokens, tokens);
        Interlocked.Add(ref _costMicros, (long)(cost * 1_000_000m));
        view.StageFinished(new StageEvent(
            requestId,
            traceEvent.Stage,
            Convert.ToInt32(traceEvent["attempt"] ?? 1, System.Globalization.CultureInfo.InvariantCulture),
            traceEvent["eval_ok"] is true,
            Convert.ToInt64(traceEvent["ms"] ?? 0L, System.Globalization.CultureInfo.InvariantCulture),
            traceEvent["model"] as string,
            tokens,
            cost));
    }

    private sealed class Trace(ProgressTraceSink sink, string requestId) : IRequestTrace
    {
        public string? RunDirectory => null;

        public ValueTask WriteAsync(TraceEvent traceEvent, CancellationToken cancellationToken)
        {
            sink.Record(traceEvent, requestId);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
