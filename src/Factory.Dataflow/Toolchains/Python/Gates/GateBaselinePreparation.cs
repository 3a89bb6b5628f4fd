using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates.Baseline;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// Learns the base commit's gate results (<see cref="GateBaseline"/>) before the request's first model call, or loads
/// them when an earlier request or run already did: a gate that cannot run on the base commit ends the request then,
/// as an environment error naming the setting to fix, before any tokens are spent.
/// </summary>
public sealed class GateBaselinePreparation : IRequestPreparation
{
    private readonly GateBaselines _baselines;

    /// <summary>Creates the preparation.</summary>
    /// <param name="runner">The sandboxed runner the gates run in.</param>
    /// <param name="options">The same gate options VALIDATE and TEST use; validated and copied here.</param>
    public GateBaselinePreparation(SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _baselines = new GateBaselines(runner, options.ValidateAndCopy());
    }

    /// <summary>
    /// The base commit's gate results for the worktree or checkout at <paramref name="root"/> with
    /// <paramref name="config"/>, computed once and kept like a request's: what <c>factory init</c> reports.
    /// </summary>
    /// <exception cref="GateEnvironmentException">A gate cannot run on the base commit; the message names the setting to fix.</exception>
    public Task<GateBaseline> GetAsync(string root, GateConfig config, CancellationToken cancellationToken) =>
        _baselines.GetAsync(root, config, cancellationToken);

    /// <inheritdoc />
    public async ValueTask PrepareAsync(FeatureRequest request, IFeatureWorkspace workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var config = await GateConfigResolver.LoadAsync(workspace.RootPath, cancellationToken).ConfigureAwait(false);
        await _baselines.GetAsync(workspace.RootPath, config, cancellationToken).ConfigureAwait(false);
    }
}
