using Factory.Dataflow.Toolchains.Python.Detection;

namespace Factory.Dataflow.Gates;

/// <summary>The gate configuration of a worktree and where it came from (see <see cref="GateConfigResolver"/>).</summary>
/// <param name="Config">The configuration the gates use.</param>
/// <param name="Proposal">What detection chose and why; null when the configuration came from the committed file.</param>
public sealed record ResolvedGateConfig(GateConfig Config, GateConfigProposal? Proposal)
{
    /// <summary>True when the configuration was detected in memory, as the repository has no <see cref="GateConfig.RelativePath"/>.</summary>
    public bool IsDetected => Proposal is not null;

    /// <summary>One or two lines for the user: the file used, or what detection chose.</summary>
    public string Describe() => Proposal is { } proposal
        ? $"gates: no {GateConfig.RelativePath} committed; detected {proposal.Summary()}\n" +
          $"gates: run 'factory init' to write this down, review it and commit it"
        : $"gates: {GateConfig.RelativePath} of the base commit";
}
