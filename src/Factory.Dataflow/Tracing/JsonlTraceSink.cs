namespace Factory.Dataflow.Tracing;

/// <summary>Writes each request's events to <c>&lt;runs&gt;/&lt;request-id&gt;/trace.jsonl</c>, one flushed line per event.</summary>
public sealed class JsonlTraceSink : ITraceSink
{
    /// <summary>The trace file's name inside a run directory.</summary>
    public const string FileName = "trace.jsonl";

    /// <summary>Creates a sink under <paramref name="runsDirectory"/>, creating it when missing.</summary>
    public JsonlTraceSink(string runsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runsDirectory);
        RunsDirectory = Path.GetFullPath(runsDirectory);
        Directory.CreateDirectory(RunsDirectory);
    }

    /// <summary>The folder that holds one run directory per request.</summary>
    public string RunsDirectory { get; }

    /// <inheritdoc />
    public IRequestTrace Open(FeatureRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var runDirectory = Path.Combine(RunsDirectory, request.Id);
        Directory.CreateDirectory(runDirectory);
        return new JsonlRequestTrace(runDirectory, Path.Combine(runDirectory, FileName));
    }
}
