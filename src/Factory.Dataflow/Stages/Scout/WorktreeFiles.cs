namespace Factory.Dataflow.Stages.Scout;

/// <summary>
/// Read-only access to a worktree for the model stages, confined to it: a path is repository-relative, may not leave
/// the root (no "..", no absolute paths, no symbolic link pointing out) and may not enter <c>.git</c>.
/// </summary>
internal sealed class WorktreeFiles
{
    /// <summary>Folders no model stage needs to see: git's own, and tool caches that are noise.</summary>
    private static readonly HashSet<string> HiddenFolders = new(StringComparer.Ordinal)
    {
        ".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    };

    private readonly string _root;

    public WorktreeFiles(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public string Root => _root;

    /// <summary>The full path of <paramref name="relative"/>, or null with <paramref name="problem"/> when it is not allowed.</summary>
    public string? Resolve(string relative, out string problem)
    {
        problem = "";
        var cleaned = (relative ?? "").Trim().Replace('\\', '/');
        if (cleaned is "" or "." or "./")
        {
            return _root;
        }

        if (Path.IsPathRooted(cleaned))
        {
            problem = $"'{relative}' is absolute; use a path relative to the repository root";
            return null;
        }

        var segments = cleaned.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s == ".git"))
        {
            problem = $"'{relative}' is inside .git, which is not readable";
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(_root, cleaned));
        if (!IsInside(full))
        {
            problem = $"'{relative}' is outside the repository";
            return null;
        }

        // A symbolic link anywhere on the way could point out of the worktree; follow each one and check.
        for (var current = full; current.Length > _root.Length; current = Path.GetDirectoryName(current)!)
        {
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (target is null || !IsInside(Path.GetFullPath(target)))
                {
                    problem = $"'{relative}' is a link that leads outside the repository";
                    return null;
                }
            }
        }

        return full;
    }

    /// <summary>The repository-relative form of <paramref name="full"/>, with '/' separators.</summary>
    public string Relative(string full) => Path.GetRelativePath(_root, full).Replace('\\', '/');

    /// <summary>Whether a folder is hidden from listings and searches.</summary>
    public static bool IsHidden(string folderName) => HiddenFolders.Contains(folderName);

    /// <summary>Every file under <paramref name="folder"/>, skipping hidden folders and links, in a stable order.</summary>
    public static IEnumerable<string> EnumerateFiles(string folder)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(current).Order(StringComparer.Ordinal))
            {
                if (new FileInfo(file).LinkTarget is null)
                {
                    yield return file;
                }
            }

            foreach (var sub in Directory.EnumerateDirectories(current).Order(StringComparer.Ordinal).Reverse())
            {
                var info = new DirectoryInfo(sub);
                if (!IsHidden(info.Name) && info.LinkTarget is null)
                {
                    pending.Push(sub);
                }
            }
        }
    }

    private bool IsInside(string full) =>
        full == _root || full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
