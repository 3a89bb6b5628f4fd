using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains;

/// <summary>
/// The gates of every registered toolchain, made once when the pipeline is composed (so invalid gate options are
/// refused then, not at the first request), and the ones a worktree's gate configuration names.
/// </summary>
internal sealed class ToolchainGateSet
{
    private readonly ToolchainRegistry _toolchains;
    private readonly Dictionary<string, IToolchainGates> _gates;

    public ToolchainGateSet(ToolchainRegistry toolchains, ITestWriter testWriter, SandboxedRunner runner, GateOptions options)
    {
        _toolchains = toolchains;
        _gates = toolchains.Names.ToDictionary(name => name, name => toolchains.Get(name).CreateGates(testWriter, runner, options), StringComparer.Ordinal);
    }

    /// <summary>The gates of the toolchain the worktree at <paramref name="root"/> is configured for.</summary>
    /// <exception cref="GateEnvironmentException">The configuration is invalid or names an unregistered toolchain.</exception>
    public async ValueTask<IToolchainGates> ForWorktreeAsync(string root, CancellationToken cancellationToken) =>
        _gates[(await _toolchains.ForWorktreeAsync(root, cancellationToken).ConfigureAwait(false)).Name];

    /// <summary>A stage that runs <paramref name="pick"/>'s stage of the worktree's toolchain.</summary>
    public IFactoryStage Stage(Func<IToolchainGates, IFactoryStage> pick) => new GateStage(this, pick);

    /// <summary>A preparation that learns the base commit's results with the worktree's toolchain.</summary>
    public IRequestPreparation Baseline() => new BaselinePreparation(this);

    private sealed class GateStage(ToolchainGateSet set, Func<IToolchainGates, IFactoryStage> pick) : IFactoryStage
    {
        public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(context);
            var gates = await set.ForWorktreeAsync(context.RequireWorkspace().RootPath, cancellationToken).ConfigureAwait(false);
            return await pick(gates).ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class BaselinePreparation(ToolchainGateSet set) : IRequestPreparation
    {
        public async ValueTask PrepareAsync(FeatureRequest request, IFeatureWorkspace workspace, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(workspace);
            var gates = await set.ForWorktreeAsync(workspace.RootPath, cancellationToken).ConfigureAwait(false);
            await gates.Baseline.PrepareAsync(request, workspace, cancellationToken).ConfigureAwait(false);
        }
    }
}
