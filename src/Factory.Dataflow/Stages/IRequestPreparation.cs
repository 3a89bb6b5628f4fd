using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>
/// Work done once per request after its workspace exists and before the first model call, e.g. learning how the gates
/// judge the base commit. Throwing <see cref="Sandbox.GateEnvironmentException"/> ends the request as
/// <see cref="OutcomeStatus.EnvironmentError"/> before any tokens are spent; any other exception fails it.
/// </summary>
public interface IRequestPreparation
{
    /// <summary>Prepares <paramref name="request"/>, whose workspace is still at its base commit.</summary>
    ValueTask PrepareAsync(FeatureRequest request, IFeatureWorkspace workspace, CancellationToken cancellationToken);
}
