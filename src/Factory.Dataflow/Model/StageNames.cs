namespace Factory.Dataflow;

/// <summary>Text forms of <see cref="StageName"/> used in traces, logs and telemetry.</summary>
public static class StageNames
{
    /// <summary>The lower-case name used in trace.jsonl ("plan", "scout", ...).</summary>
    public static string ToTraceName(this StageName stage) => stage switch
    {
        StageName.Plan => "plan",
        StageName.Scout => "scout",
        StageName.Build => "build",
        StageName.Validate => "validate",
        StageName.Test => "test",
        StageName.Review => "review",
        StageName.Workspace => "workspace",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>The upper-case name used in messages ("PLAN", "SCOUT", ...).</summary>
    public static string ToDisplayName(this StageName stage) => stage.ToTraceName().ToUpperInvariant();
}
