namespace Factory.Dataflow.Tracing;

/// <summary>Receives every request's trace events. The graph opens one <see cref="IRequestTrace"/> per request.</summary>
public interface ITraceSink
{
    /// <summary>Opens the trace of one request; called once, when the request is accepted.</summary>
    IRequestTrace Open(FeatureRequest request);
}
