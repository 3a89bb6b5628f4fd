namespace Factory.Dataflow.Tracing;

/// <summary>The trace of one request. Events arrive one at a time, in order.</summary>
public interface IRequestTrace : IAsyncDisposable
{
    /// <summary>The request's run directory, or null when this sink keeps no files.</summary>
    string? RunDirectory { get; }

    /// <summary>Records one event. Must not throw for ordinary I/O trouble it can report otherwise.</summary>
    ValueTask WriteAsync(TraceEvent traceEvent, CancellationToken cancellationToken);
}
