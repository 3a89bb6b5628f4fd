namespace Factory.Dataflow.Workspace;

/// <summary>What the jailed writer did with a batch of edits.</summary>
/// <param name="Accepted">True when every edit was written; false when the batch was refused and nothing written.</param>
/// <param name="WrittenPaths">Repository-relative paths written (empty when refused).</param>
/// <param name="Rejection">Why the batch was refused, naming the offending path, or null.</param>
public sealed record WriteReport(bool Accepted, IReadOnlyList<string> WrittenPaths, string? Rejection)
{
    /// <summary>A report for a batch written whole.</summary>
    public static WriteReport Written(IReadOnlyList<string> paths) => new(true, paths, null);

    /// <summary>A report for a refused batch.</summary>
    public static WriteReport Refused(string reason) => new(false, [], reason);
}
