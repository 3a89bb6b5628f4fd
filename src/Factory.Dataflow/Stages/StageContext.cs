using Factory.Dataflow.Budget;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>What one stage attempt may read about its request, and where it reports what it spent.</summary>
public sealed class StageContext
{
    internal StageContext(
        FeatureRequest request,
        StageName stage,
        int attempt,
        Spec? spec,
        ScoutBrief? brief,
        IFeatureWorkspace? workspace,
        string? feedback,
        StageName? feedbackFrom,
        int buildAttempt,
        RequestBudget budget,
        string? runDirectory)
    {
        Request = request;
        Stage = stage;
        Attempt = attempt;
        Spec = spec;
        Brief = brief;
        Workspace = workspace;
        Feedback = feedback;
        FeedbackFrom = feedbackFrom;
        BuildAttempt = buildAttempt;
        Budget = budget;
        RunDirectory = runDirectory;
        Usage = new StageUsage(budget);
    }

    /// <summary>The request being worked on.</summary>
    public FeatureRequest Request { get; }

    /// <summary>The slot this attempt runs in.</summary>
    public StageName Stage { get; }

    /// <summary>1 for the first attempt of this stage for this request, 2 for the next, and so on.</summary>
    public int Attempt { get; }

    /// <summary>PLAN's spec; null only while PLAN itself runs.</summary>
    public Spec? Spec { get; }

    /// <summary>SCOUT's brief; null before BUILD.</summary>
    public ScoutBrief? Brief { get; }

    /// <summary>The request's workspace (its git worktree), or null when the pipeline has none configured.</summary>
    public IFeatureWorkspace? Workspace { get; }

    /// <summary>For BUILD (and SCOUT's retry): the exact text of the failure that sent the request back, or null on the first call.</summary>
    public string? Feedback { get; }

    /// <summary>Which stage's failure <see cref="Feedback"/> came from (BUILD, VALIDATE or TEST; SCOUT on its retry).</summary>
    public StageName? FeedbackFrom { get; }

    /// <summary>For BUILD, VALIDATE and TEST: which BUILD call this work belongs to (1-based); 0 before BUILD.</summary>
    public int BuildAttempt { get; }

    /// <summary>The request's spending limits and what it has spent; model stages check it before every call.</summary>
    public RequestBudget Budget { get; }

    /// <summary>The request's run directory, or null when tracing to files is off.</summary>
    public string? RunDirectory { get; }

    /// <summary>Where the stage reports model, tokens, retries and trace extras.</summary>
    public StageUsage Usage { get; }

    /// <summary>The spec, or a clear error when a stage that needs it runs before PLAN.</summary>
    public Spec RequireSpec() =>
        Spec ?? throw new InvalidOperationException($"{Stage.ToDisplayName()} needs PLAN's spec, but there is none.");

    /// <summary>The workspace, or a clear error when the pipeline was built without one.</summary>
    public IFeatureWorkspace RequireWorkspace() =>
        Workspace ?? throw new InvalidOperationException(
            $"{Stage.ToDisplayName()} needs a workspace, but the pipeline was built without one (UseWorkspace).");
}
