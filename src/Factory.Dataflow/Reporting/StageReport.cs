namespace Factory.Dataflow.Reporting;

/// <summary>One stage's figures over every attempt in a runs folder.</summary>
/// <param name="Stage">The stage's trace name ("plan" ... "review").</param>
/// <param name="Attempts">How many attempts ran.</param>
/// <param name="P50Ms">The median attempt duration, in milliseconds (nearest rank).</param>
/// <param name="P95Ms">The 95th percentile attempt duration, in milliseconds (nearest rank).</param>
/// <param name="TokensIn">Prompt tokens over all attempts.</param>
/// <param name="TokensOut">Completion tokens over all attempts.</param>
/// <param name="Cost">Cost over all attempts, by the price table in force when they ran.</param>
/// <param name="Retries">Transport and repair retries over all attempts.</param>
/// <param name="EvalFailures">Attempts whose eval did not hold.</param>
public sealed record StageReport(
    string Stage,
    int Attempts,
    long P50Ms,
    long P95Ms,
    long TokensIn,
    long TokensOut,
    decimal Cost,
    int Retries,
    int EvalFailures)
{
    /// <summary>
    /// User + system CPU milliseconds of the processes the stage ran (the traces' <c>cpu_ms</c>), summed over the attempts
    /// that recorded it; null when none did (traces written before Factory recorded it).
    /// </summary>
    public long? CpuMs { get; init; }

    /// <summary>How many attempts recorded <c>cpu_ms</c>.</summary>
    public int CpuAttempts { get; init; }

    /// <summary>The mean CPU milliseconds per attempt that recorded it, or null.</summary>
    public long? MeanCpuMs => CpuMs is { } total && CpuAttempts > 0 ? (long)Math.Round((double)total / CpuAttempts) : null;

    /// <summary>Failed evals per attempt, 0 to 1.</summary>
    public double EvalFailureRate => Attempts == 0 ? 0 : (double)EvalFailures / Attempts;
}
