using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// The repository's files as the detector sees them: a given list (e.g. git's tracked files) or a walk that skips
/// virtual environments, caches and build output; and one capped way to read a file's text.
/// </summary>
internal sealed class ProjectFiles
{
    /// <summary>Folders that are never the project's own code or tests.</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".tox", ".nox", "build", "dist", "site-packages", ".idea", ".vscode", "htmlcov", ".eggs", ".factory",
    };

    private const int MaxFiles = 20_000;
    private readonly string _root;
    private readonly HashSet<string> _set;

    public ProjectFiles(string root, IEnumerable<string>? relativePaths)
    {
        _root = Path.GetFullPath(root);
        All = relativePaths is null
            ? Walk()
            : [.. relativePaths.Select(p => p.Replace('\\', '/').TrimStart('/')).Where(p => !p.Split('/').Any(IsSkipped)).Order(StringComparer.Ordinal)];
        _set = new HashSet<string>(All, StringComparer.Ordinal);
    }

    /// <summary>Every file, repository-relative with '/' separators, sorted.</summary>
    public IReadOnlyList<string> All { get; }

    public bool Exists(string relative) => _set.Contains(relative);

    /// <summary>The files under <paramref name="folder"/> ("." for all).</summary>
    public IEnumerable<string> Under(string folder) =>
        folder is "." or "" ? All : All.Where(p => p.StartsWith(folder + "/", StringComparison.Ordinal));

    /// <summary>
    /// The file's text, up to <paramref name="maxChars"/> characters, or null when it cannot be read, is binary or lies
    /// outside the repository: read through the kernel-confined, bounded reader every stage uses (<see cref="WorktreeReader"/>),
    /// so no link leads it out of the repository and no device or FIFO makes it wait.
    /// </summary>
    public string? Read(string relative, int maxChars = 256 * 1024)
    {
        try
        {
            // UTF-8 takes at most 4 bytes a character; the reader sizes its buffer by the file, not by this cap.
            var file = WorktreeReader.Read(_root, relative, (int)Math.Min(int.MaxValue, maxChars * 4L), CancellationToken.None);
            var text = file.IsBinary ? null : file.Text;
            return text is not null && text.Length > maxChars ? text[..maxChars] : text;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsSkipped(string name) => Skipped.Contains(name) || name.EndsWith(".egg-info", StringComparison.Ordinal);

    private List<string> Walk() => FolderListing.Walk(_root, IsSkipped, MaxFiles);
}
