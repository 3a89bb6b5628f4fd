using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

/// <summary>Builds stage contexts and chat lines against the fake Ollama server, with test-friendly settings.</summary>
internal static class StageTestKit
{
    public const string BuildModel = "qwen2.5-coder:7b";
    public const string ReviewModel = "qwen2.5:3b";
    public const string PlanModel = "plan-model:1b";

    public static readonly Spec HealthSpec = new(
        "Add a /health endpoint",
        ["GET /health returns 200 with {\"status\": \"ok\"}"],
        ["authentication"],
        ["no new dependencies"]);

    /// <summary>Model options whose stages retry at once and time out quickly, pointing at <paramref name="server"/>.</summary>
    public static ModelOptions Options(FakeOllamaServer server, Action<ModelOptions>? change = null)
    {
        var options = new ModelOptions { Ollama = { BaseUrl = server.BaseUri.ToString() } };
        options.Stages.Plan.Model = PlanModel;
        foreach (var stage in StagesOptions.ModelStages)
        {
            var s = options.Stages.For(stage);
            s.RetryDelay = TimeSpan.Zero;
            s.Timeout = TimeSpan.FromSeconds(30);
        }

        change?.Invoke(options);
        return options;
    }

    public static StageContext Context(
        StageName stage,
        Spec? spec = null,
        ScoutBrief? brief = null,
        IFeatureWorkspace? workspace = null,
        string? feedback = null,
        StageName? feedbackFrom = null,
        RequestBudget? budget = null,
        int attempt = 1) =>
        new(
            new FeatureRequest("req-1", "add a /health endpoint returning status ok"),
            stage,
            attempt,
            spec,
            brief,
            workspace,
            feedback,
            feedbackFrom,
            stage == StageName.Build ? attempt : 0,
            budget ?? new RequestBudget(),
            null);
}
