namespace Factory.Dataflow.Workspace;

/// <summary>The regular files under a folder, for workspaces that are not git worktrees (and the project detector): no links followed.</summary>
internal static class FolderListing
{
    /// <summary>Every file under <paramref name="root"/> except <c>.git</c>, repository-relative and sorted.</summary>
    public static IReadOnlyList<string> RegularFiles(string root) => Walk(root, name => name == ".git", int.MaxValue);

    /// <summary>
    /// The files under <paramref name="root"/>, repository-relative with '/' separators and sorted, skipping links and
    /// every entry whose name <paramref name="skipped"/> says, stopping after about <paramref name="maxFiles"/>.
    /// </summary>
    public static List<string> Walk(string root, Func<string, bool> skipped, int maxFiles)
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0 && files.Count < maxFiles)
        {
            var folder = pending.Pop();
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null || skipped(entry.Name))
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
                else
                {
                    files.Add(Path.GetRelativePath(root, entry.FullName).Replace('\\', '/'));
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
