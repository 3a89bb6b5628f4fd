using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Makes the paths a sandbox may write usable by its user id for one run, and takes them back afterwards, so callers
/// never deal with user ids. Handing over changes the owner of each directory and of each regular file with a single
/// link; a file with more links (the mypy cache copy is hard links to the shared snapshot) keeps its owner, so the
/// sandbox may replace it but never rewrite the content another folder shares. Taking back returns everything the
/// sandbox owns to Factory and clears set-id bits. Links are never followed and other file systems never entered;
/// both walks run while no sandbox process is alive (before start, after the process tree is gone).
/// </summary>
internal static class WritableHandover
{
    public static void GiveTo(IEnumerable<string> roots, uint userId, uint groupId)
    {
        foreach (var root in roots)
        {
            Walk(root, (path, status) =>
            {
                if (status.FileType == FileStatus.Directory || (status.FileType == FileStatus.RegularFile && status.LinkCount == 1))
                {
                    LibC.ChangeOwner(path, userId, groupId);
                }
            });
        }
    }

    public static void TakeBack(IEnumerable<string> roots, uint ownerId, uint groupId)
    {
        foreach (var root in roots)
        {
            Walk(root, (path, status) =>
            {
                if (status.UserId == ownerId && status.GroupId == groupId)
                {
                    return;
                }

                LibC.ChangeOwner(path, ownerId, groupId);

                // The kernel clears set-user-id on chown; set-group-id without group execute survives it. Neither may
                // stay on a file the sandbox wrote and Factory now owns.
                if (status.FileType == FileStatus.RegularFile && !OperatingSystem.IsWindows())
                {
                    var mode = File.GetUnixFileMode(path);
                    if ((mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
                    {
                        File.SetUnixFileMode(path, mode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup));
                    }
                }
            });
        }
    }

    private static void Walk(string root, Action<string, FileStatus> visit)
    {
        if (LinuxCalls.StatusOf(root) is not { } top)
        {
            return;
        }

        if (top.FileType == FileStatus.SymbolicLink)
        {
            throw new GateEnvironmentException($"The sandbox's writable path {root} is a symbolic link; pass the folder it points to.");
        }

        var pending = new Stack<(string Path, FileStatus Status)>([(root, top)]);
        while (pending.TryPop(out var entry))
        {
            visit(entry.Path, entry.Status);
            if (entry.Status.FileType != FileStatus.Directory)
            {
                continue;
            }

            foreach (var child in Directory.EnumerateFileSystemEntries(entry.Path))
            {
                if (LinuxCalls.StatusOf(child) is { } status && status.Device == top.Device)
                {
                    pending.Push((child, status));
                }
            }
        }
    }
}
