using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Workspace;

/// <summary>The workspace's log messages, generated so they cost nothing when logging is off.</summary>
internal static partial class WorkspaceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the worktree {Path} left by an earlier run.")]
    public static partial void RemovedStaleWorktree(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the leftover folder {Path}.")]
    public static partial void RemovedLeftoverFolder(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the branch {Branch} left by an earlier run (it held no commit of its own).")]
    public static partial void DeletedStaleBranch(ILogger logger, string branch);
}
