using System.Text;
using Factory.Dataflow.Stages.Scout;

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
    private readonly WorktreeFiles _confinement;

    public ProjectFiles(string root, IEnumerable<string>? relativePaths)
    {
        _root = Path.GetFullPath(root);
        _confinement = new WorktreeFiles(_root);
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
    /// The file's text, up to <paramref name="maxChars"/> characters, or null when it cannot be read or lies outside the
    /// repository (confined by <see cref="WorktreeFiles"/>, the model stages' own rule: no "..", no links leading out).
    /// </summary>
    public string? Read(string relative, int maxChars = 256 * 1024)
    {
        if (_confinement.Resolve(relative, out _) is not { } full || new FileInfo(full).LinkTarget is not null)
        {
            return null;
        }

        try
        {
            // UTF-8 never has more characters than bytes: size the buffer by the file, not by the cap.
            var length = (int)Math.Min(maxChars, new FileInfo(full).Length);
            using var reader = new StreamReader(full, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[length];
            var read = reader.ReadBlock(buffer, 0, length);
            return new string(buffer, 0, read);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsSkipped(string name) => Skipped.Contains(name) || name.EndsWith(".egg-info", StringComparison.Ordinal);

    private List<string> Walk()
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(_root);
        while (pending.Count > 0 && files.Count < MaxFiles)
        {
            var folder = pending.Pop();
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null || IsSkipped(entry.Name))
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
                else
                {
                    files.Add(Path.GetRelativePath(_root, entry.FullName).Replace('\\', '/'));
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
