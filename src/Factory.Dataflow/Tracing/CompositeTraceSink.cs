namespace Factory.Dataflow.Tracing;

/// <summary>Sends every event to several sinks in order; the first sink with a run directory names it.</summary>
internal sealed class CompositeTraceSink(IReadOnlyList<ITraceSink> sinks) : ITraceSink
{
    public IRequestTrace Open(FeatureRequest request)
    {
        var traces = new IRequestTrace[sinks.Count];
        for (var i = 0; i < sinks.Count; i++)
        {
            traces[i] = sinks[i].Open(request);
        }

        return new CompositeRequestTrace(traces);
    }

    private sealed class CompositeRequestTrace(IRequestTrace[] traces) : IRequestTrace
    {
        public string? RunDirectory { get; } = traces.Select(t => t.RunDirectory).FirstOrDefault(d => d is not null);

        public async ValueTask WriteAsync(TraceEvent traceEvent, CancellationToken cancellationToken)
        {
            foreach (var trace in traces)
            {
                await trace.WriteAsync(traceEvent, cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var trace in traces)
            {
                await trace.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
