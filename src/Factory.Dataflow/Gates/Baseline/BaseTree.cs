using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Gates.Baseline;

/// <summary>
/// A plain copy of a commit's files in a scratch folder, made from git's objects (a throwaway index, then
/// <c>checkout-index</c>): the gates run there to learn how the base commit behaves, whatever the worktree holds now.
/// Neither the worktree nor its index is touched. Dispose deletes the copy.
/// </summary>
internal sealed class BaseTree : IDisposable
{
    private readonly DirectoryInfo _scratch;

    private BaseTree(DirectoryInfo scratch)
    {
        _scratch = scratch;
        Root = Path.Combine(scratch.FullName, "tree");
    }

    /// <summary>The folder holding the commit's files.</summary>
    public string Root { get; }

    /// <summary>Copies the files of <paramref name="commit"/>, from the repository of <paramref name="worktree"/>, into a new scratch folder.</summary>
    public static async Task<BaseTree> ExportAsync(string worktree, string commit, CancellationToken cancellationToken)
    {
        var tree = new BaseTree(Directory.CreateTempSubdirectory("factory-base-"));
        try
        {
            Directory.CreateDirectory(tree.Root);
            var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_INDEX_FILE"] = Path.Combine(tree._scratch.FullName, "index") };
            await GitCli.RunAsync(worktree, ["read-tree", commit], cancellationToken, environment).ConfigureAwait(false);
            await GitCli.RunAsync(worktree, ["checkout-index", "--all", "--force", "--prefix=" + tree.Root + "/"], cancellationToken, environment)
                .ConfigureAwait(false);
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    /// <summary>Adds files (new tests) to the copy, creating their folders.</summary>
    public void Add(IEnumerable<(string RelativePath, byte[] Content)> files)
    {
        foreach (var (relative, content) in files)
        {
            var full = Path.GetFullPath(Path.Combine(Root, relative));
            if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{relative}' is not inside the base tree.", nameof(files));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }
    }

    public void Dispose()
    {
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
