namespace Factory.Dataflow.Workspace;

/// <summary>How a workspace ended.</summary>
/// <param name="Branch">The branch that holds the commit, or null when the change was discarded.</param>
/// <param name="Commit">The commit id, or null.</param>
/// <param name="Diff">The change's diff (committed, or kept as failed.diff), or null when nothing was written.</param>
public sealed record WorkspaceSettlement(string? Branch, string? Commit, string? Diff);
