namespace Factory.Dataflow.Tracing;

/// <summary>A sink that keeps nothing: for benchmarks and embedders that trace elsewhere.</summary>
public sealed class NullTraceSink : ITraceSink, IRequestTrace
{
    /// <summary>The shared instance.</summary>
    public static NullTraceSink Instance { get; } = new();

    private NullTraceSink()
    {
    }

    /// <inheritdoc />
    public string? RunDirectory => null;

    /// <inheritdoc />
    public IRequestTrace Open(FeatureRequest request) => this;

    /// <inheritdoc />
    public ValueTask WriteAsync(TraceEvent traceEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
