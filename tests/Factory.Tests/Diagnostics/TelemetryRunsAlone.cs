namespace Factory.Tests.Diagnostics;

/// <summary>
/// Listeners see every pipeline in the process, so the telemetry tests run alone: another test's requests would add
/// to the counters they read.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryRunsAlone
{
    public const string Name = "Telemetry";
}
