using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Workspace;

namespace Factory.Tests.Support;

/// <summary>Builds <see cref="StageContext"/>s for stage tests.</summary>
public static class TestContexts
{
    /// <summary>A context for one attempt of <paramref name="stage"/> on <paramref name="workspace"/>.</summary>
    public static StageContext For(IFeatureWorkspace workspace, StageName stage, string? runDirectory = null) =>
        new(
            new FeatureRequest("test-request", "add a health endpoint"),
            stage,
            attempt: 1,
            spec: new Spec("Add a health endpoint", ["GET /health returns ok"], [], []),
            brief: null,
            workspace,
            feedback: null,
            feedbackFrom: null,
            buildAttempt: 1,
            new RequestBudget(),
            runDirectory);
}
