using Factory.Dataflow.Gates;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Stages.Scout;

/// <summary>
/// What the model stages see of a workspace: its source files (the workspace's listing, which for a git worktree is
/// its tracked files; no binaries, no <c>.git</c>, no vendored or cache folders), read through the workspace's
/// kernel-confined, bounded reader, and where a path really leads (<see cref="Find"/>).
/// </summary>
/// <param name="workspace">The workspace read.</param>
/// <param name="language">
/// The worktree toolchain's files, whose <see cref="IToolchainFiles.IgnoredFolders"/> are hidden too; null for the
/// default toolchain's (Python's).
/// </param>
internal sealed class WorktreeFiles(IFeatureWorkspace workspace, IToolchainFiles? language = null)
{
    /// <summary>How much of a file is read to tell text from binary.</summary>
    public const int SniffBytes = 8000;

    /// <summary>Folders no model stage needs to see in any language: git's own, and vendored packages.</summary>
    private static readonly string[] AlwaysHidden = [".git", "node_modules"];

    /// <summary>Those and the toolchain's environment and cache folders, which are noise.</summary>
    private readonly HashSet<string> _hiddenFolders = new(
        AlwaysHidden.Concat((language ?? ToolchainRegistry.Default.Get(GateConfig.Default.Toolchain).Files).IgnoredFolders), StringComparer.Ordinal);

    /// <summary>Extensions of files that are binary whatever their first bytes say; they are never listed.</summary>
    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".icns", ".bmp", ".webp", ".tif", ".tiff", ".pdf", ".zip", ".gz", ".tgz", ".bz2",
        ".xz", ".7z", ".tar", ".whl", ".egg", ".jar", ".so", ".dylib", ".dll", ".exe", ".pyc", ".pyo", ".pyd", ".o", ".a",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav", ".ogg", ".avi", ".mov", ".db", ".sqlite", ".sqlite3",
        ".pickle", ".pkl", ".npy", ".npz", ".parquet", ".mo",
    };

    public IFeatureWorkspace Workspace => workspace;

    /// <summary>The files worth showing under <paramref name="folder"/> ("" for all), sorted; binaries by extension are left out.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var all = await workspace.ListFilesAsync(cancellationToken).ConfigureAwait(false);
        return [.. all.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && IsShown(p))];
    }

    /// <summary>True when the file's first bytes are text (no NUL byte).</summary>
    public async Task<bool> IsTextAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return !(await workspace.ReadFileAsync(path, SniffBytes, cancellationToken).ConfigureAwait(false)).IsBinary;
        }
        catch (ConfinedPathException)
        {
            return false;
        }
    }

    /// <summary>Reads a file through the workspace's confined reader.</summary>
    /// <exception cref="ConfinedPathException">Refused, missing or not a regular file.</exception>
    public ValueTask<WorkspaceFile> ReadAsync(string path, int maxBytes, CancellationToken cancellationToken) =>
        workspace.ReadFileAsync(path, maxBytes, cancellationToken);

    /// <summary>What <paramref name="path"/> is and where it really leads, or null with <paramref name="problem"/> when the confinement refuses it.</summary>
    public ConfinedEntry? Find(string path, out string problem)
    {
        problem = "";
        try
        {
            return WorktreeReader.Find(workspace.RootPath, path);
        }
        catch (ConfinedPathException exception)
        {
            problem = exception.Message;
            return null;
        }
    }

    /// <summary>The path as a clean repository-relative path ("" for the root), or null with <paramref name="problem"/>.</summary>
    public static string? Clean(string path, out string problem)
    {
        problem = "";
        try
        {
            return WorktreeReader.CheckText(path?.Replace('\\', '/'));
        }
        catch (ConfinedPathException exception)
        {
            problem = exception.Message;
            return null;
        }
    }

    private bool IsShown(string path)
    {
        var segments = path.Split('/');
        return !segments[..^1].Any(_hiddenFolders.Contains) && segments[^1] != ".git" && !BinaryExtensions.Contains(Path.GetExtension(path));
    }
}
