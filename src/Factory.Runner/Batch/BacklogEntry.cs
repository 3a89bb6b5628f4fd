using Factory.Dataflow;

namespace Factory.Runner.Batch;

/// <summary>One request of a backlog file, with the line it came from.</summary>
internal sealed record BacklogEntry(int Line, FeatureRequest Request);

/// <summary>A backlog line that could not be read as a request, with the reason.</summary>
internal sealed record BacklogProblem(int Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}
