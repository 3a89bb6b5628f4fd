namespace Factory.Dataflow.Workspace;

/// <summary>
/// Bounded, cancellable, kernel-confined reads of one worktree's files: what <see cref="IFeatureWorkspace.ReadFileAsync"/>
/// does. A path is checked as text first (relative, no control characters, never <c>.git</c>), then resolved by the kernel
/// beneath the root (<see cref="ConfinedRoot"/>), judged again by where it really is, and read only when it is a regular
/// file, at most <c>maxBytes</c> bytes, in chunks between which cancellation is honoured.
/// </summary>
internal static class WorktreeReader
{
    private const int ChunkBytes = 64 * 1024;

    public static ValueTask<WorkspaceFile> ReadAsync(string root, string path, int maxBytes, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Read(root, path, maxBytes, cancellationToken));

    /// <summary>The same read, for callers that cannot wait asynchronously (it never waits on anything but the disk).</summary>
    public static WorkspaceFile Read(string root, string path, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var relative = CheckText(path);
        if (relative.Length == 0)
        {
            throw new ConfinedPathException("The path names the repository root, not a file.");
        }

        using var confined = ConfinedRoot.Open(root);
        var (handle, entry) = confined.OpenRead(relative);
        using (handle)
        {
            RefuseGitData(path, entry.Path);
            var buffer = new byte[(int)Math.Min(maxBytes, entry.Size)];
            var read = 0;
            while (read < buffer.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = RandomAccess.Read(handle, buffer.AsSpan(read, Math.Min(ChunkBytes, buffer.Length - read)), read);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            return new WorkspaceFile(entry.Path, buffer.AsMemory(0, read), Math.Max(entry.Size, read));
        }
    }

    /// <summary>
    /// Where <paramref name="path"/> really is and what it is, without reading it; a path the confinement refuses
    /// throws <see cref="ConfinedPathException"/>.
    /// </summary>
    public static ConfinedEntry Find(string root, string path)
    {
        var relative = CheckText(path);
        if (relative.Length == 0)
        {
            return new ConfinedEntry(EntryKind.Folder, "", 0, 0);
        }

        using var confined = ConfinedRoot.Open(root);
        var entry = confined.Find(relative);
        RefuseGitData(path, entry.Path);
        return entry;
    }

    /// <summary>The path as a clean relative path ("" for the root), or a refusal naming what is wrong with its text.</summary>
    public static string CheckText(string? path)
    {
        var text = (path ?? "").Trim();
        if (text.Any(char.IsControl))
        {
            throw new ConfinedPathException($"'{Printable(text)}' contains a control character.");
        }

        if (text.StartsWith('/') || text.StartsWith('~') || text.Contains('\\', StringComparison.Ordinal))
        {
            throw new ConfinedPathException($"'{text}' is not a relative path with '/' between folders; use a path relative to the repository root.");
        }

        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
        {
            throw new ConfinedPathException($"'{text}' uses '..'; paths may not leave the repository.");
        }

        RefuseGitData(text, string.Join('/', segments));
        return string.Join('/', segments);
    }

    private static void RefuseGitData(string asked, string resolved)
    {
        if (resolved.Split('/').Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ConfinedPathException($"'{asked}' is git's own data (.git); it is not readable.");
        }
    }

    private static string Printable(string text) => new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
}
