namespace Factory.Dataflow.Workspace;

/// <summary>Where one request's workspace is: its id, worktree root, branch and base commit.</summary>
internal sealed record WorkspaceIdentity(string Id, string Root, string Branch, string BaseCommit);
