namespace Factory.Dataflow;

/// <summary>The measured facts of one stage attempt, as written to trace.jsonl.</summary>
/// <param name="Stage">Which stage ran.</param>
/// <param name="Model">The model asked, or null for a stage without one.</param>
/// <param name="ServedBy">The endpoint and model that actually answered, or null.</param>
/// <param name="TokensIn">Prompt tokens, from the server's own usage figures.</param>
/// <param name="TokensOut">Completion tokens, from the server's own usage figures.</param>
/// <param name="Ms">Wall-clock milliseconds of the attempt.</param>
/// <param name="Retries">Transport or repair retries inside the attempt.</param>
/// <param name="EvalOk">Whether the stage's eval held.</param>
public sealed record StageMetrics(
    StageName Stage,
    string? Model,
    string? ServedBy,
    long TokensIn,
    long TokensOut,
    long Ms,
    int Retries,
    bool EvalOk)
{
    /// <summary>
    /// User + system CPU milliseconds of the processes the attempt ran (the gates' tools in their sandboxes, git), from
    /// the kernel's accounting; 0 for an attempt that ran none. Factory's own CPU is not in it.
    /// </summary>
    public long CpuMs { get; init; }

    /// <summary>Processes the attempt ran whose CPU time nothing counted (unsandboxed, or no usable cgroup); 0 normally.</summary>
    public int CpuUnmeasured { get; init; }
}
