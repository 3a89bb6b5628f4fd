namespace Factory.Dataflow.Gates;

/// <summary>How the gates judge a change against its base commit (<see cref="GateConfig.Baseline"/>).</summary>
public enum BaselineMode
{
    /// <summary>Only what the change adds blocks: new findings, tests it breaks, its own new tests, its own lines' coverage.</summary>
    Compare,

    /// <summary>Every finding and every failing test blocks, whatever the base commit already had.</summary>
    Strict,
}
