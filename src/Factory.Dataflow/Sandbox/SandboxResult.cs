namespace Factory.Dataflow.Sandbox;

/// <summary>How a sandboxed command ended.</summary>
/// <param name="ExitCode">The exit code; -1 when the command was killed at its timeout.</param>
/// <param name="StandardOutput">stdout as printed, capped (head and tail kept).</param>
/// <param name="StandardError">stderr as printed, capped (head and tail kept), plus a <c>[factory]</c> note for each bound reached.</param>
/// <param name="TimedOut">True when the command hit its timeout and its process tree was killed.</param>
/// <param name="Duration">Wall-clock time from start to exit.</param>
/// <param name="Sandboxed">True when it ran under bubblewrap.</param>
public sealed record SandboxResult(
    int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Duration, bool Sandboxed)
{
    /// <summary>stdout followed by stderr (when there is any): what a person at a terminal would have read.</summary>
    public string Output => StandardError.Length == 0
        ? StandardOutput
        : StandardOutput.Length == 0 ? StandardError : StandardOutput.TrimEnd('\n') + "\n" + StandardError;

    /// <summary>What held in the sandbox for this run; null when it ran unsandboxed.</summary>
    public SandboxLayers? Layers { get; init; }

    /// <summary>The bounds the command ran into (a killed-by-bound command also has a non-zero exit code).</summary>
    public SandboxBounds BoundsReached { get; init; }

    /// <summary>The host user id the command ran as; null when it ran unsandboxed.</summary>
    public uint? UserId { get; init; }

    /// <summary>
    /// User + system CPU time of every process of the run, as the kernel counted it in the run's cgroup (the tool, its
    /// children, and the sandbox's own launcher and bubblewrap); null when no cgroup counted it (unsandboxed, or no
    /// usable cgroup on this machine).
    /// </summary>
    public TimeSpan? CpuTime { get; init; }

    /// <summary>True when a long-lived process in its own sandbox answered (the served ruff), not a fresh one.</summary>
    public bool Served { get; init; }
}
