using System.Runtime.CompilerServices;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Gates;

/// <summary>
/// What TEST remembers about one request between its attempts: the test files it wrote (removed when the attempt
/// fails, so the next BUILD and VALIDATE start from the change alone and the writer may use the same names again) and
/// how the last attempt failed (shown to the test writer next time). Held per workspace, so it ends with it.
/// </summary>
internal sealed class GeneratedTests
{
    private static readonly ConditionalWeakTable<IFeatureWorkspace, GeneratedTests> s_byWorkspace = [];
    private readonly List<string> _written = [];
    private readonly Lock _gate = new();

    public static GeneratedTests For(IFeatureWorkspace workspace) => s_byWorkspace.GetValue(workspace, _ => new GeneratedTests());

    /// <summary>How TEST's previous attempt failed, or null.</summary>
    public string? LastFailure { get; set; }

    public void Add(IEnumerable<string> relativePaths)
    {
        lock (_gate)
        {
            _written.AddRange(relativePaths);
        }
    }

    /// <summary>Deletes every file written so far; only regular files inside the worktree, never through a link.</summary>
    public void RemoveAll(string root)
    {
        lock (_gate)
        {
            var fullRoot = Path.GetFullPath(root);
            foreach (var relative in _written)
            {
                var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
                var parent = Path.GetDirectoryName(full)!;
                if (full.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                    RealPath.IsInside(RealPath.Resolve(parent), RealPath.Resolve(fullRoot)) &&
                    File.Exists(full) && new FileInfo(full).LinkTarget is null)
                {
                    File.Delete(full);
                }
            }

            _written.Clear();
        }
    }
}
