namespace Factory.Dataflow;

/// <summary>How one stage's dataflow block runs.</summary>
public sealed class StageOptions
{
    /// <summary>How many requests the stage works on at once.</summary>
    /// <value>Defaults to 2 (set per stage in <see cref="PipelineOptions"/>).</value>
    /// <remarks>
    /// The block's <see cref="BoundedCapacity"/> counts requests being worked on and those finished but not yet handed
    /// on, so a capacity below this limit also caps the parallelism.
    /// </remarks>
    public int MaxDegreeOfParallelism { get; set; } = 2;

    /// <summary>How many requests the block holds at most (waiting, running and finished but not yet handed on).</summary>
    /// <value>Defaults to 4.</value>
    public int BoundedCapacity { get; set; } = 4;

    /// <summary>How long one attempt may take before it is cancelled and the request fails at this stage.</summary>
    /// <value>Defaults to 5 minutes; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no limit.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A copy, so options changed after <c>Build()</c> cannot reach a running graph.</summary>
    public StageOptions Clone() => new()
    {
        MaxDegreeOfParallelism = MaxDegreeOfParallelism,
        BoundedCapacity = BoundedCapacity,
        Timeout = Timeout,
    };
}
