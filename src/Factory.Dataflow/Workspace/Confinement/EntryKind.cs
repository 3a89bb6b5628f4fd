namespace Factory.Dataflow.Workspace;

/// <summary>What a path beneath a worktree is.</summary>
internal enum EntryKind
{
    Missing,
    File,
    Folder,
    Other,
}
