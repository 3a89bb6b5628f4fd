using Factory.Dataflow;
using Factory.Dataflow.Workspace;

namespace Factory.Tests.Stages;

/// <summary>
/// TEST-ONLY workspace over a temp folder, standing in for the real git workspace in stage tests: writes whole files
/// (refusing paths that leave the folder, all or nothing), and returns a scripted diff. Not a jail; do not reuse.
/// </summary>
internal sealed class TempFolderWorkspace : IFeatureWorkspace
{
    public TempFolderWorkspace(params (string Path, string Content)[] files)
    {
        RootPath = Path.Combine(Path.GetTempPath(), "factory-ws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(RootPath);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(RootPath, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }

    public string RootPath { get; }

    public string BranchName => "factory/req-1";

    /// <summary>What <see cref="GetDiffAsync"/> returns.</summary>
    public string Diff { get; set; } = "";

    /// <summary>Every batch written, in order.</summary>
    public List<(IReadOnlyList<FileEdit> Edits, WriterRole Role)> Writes { get; } = [];

    /// <summary>When set, every write is refused with this reason.</summary>
    public string? RefuseWith { get; set; }

    public ValueTask<WriteReport> WriteAsync(IReadOnlyList<FileEdit> edits, WriterRole role, CancellationToken cancellationToken)
    {
        Writes.Add((edits, role));
        if (RefuseWith is { } reason)
        {
            return ValueTask.FromResult(WriteReport.Refused(reason));
        }

        foreach (var edit in edits)
        {
            var full = Path.GetFullPath(Path.Combine(RootPath, edit.Path));
            if (!full.StartsWith(RootPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(WriteReport.Refused($"{edit.Path} is outside the workspace"));
            }
        }

        foreach (var edit in edits)
        {
            var full = Path.Combine(RootPath, edit.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, edit.Content);
        }

        return ValueTask.FromResult(WriteReport.Written([.. edits.Select(e => e.Path)]));
    }

    /// <summary>What <see cref="GetChangedFilesAsync"/> returns: the paths written so far and those the scripted <see cref="Diff"/> names.</summary>
    public ValueTask<IReadOnlyList<string>> GetChangedFilesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>(
        [
            .. Writes.SelectMany(w => w.Edits).Select(e => e.Path)
                .Concat(Diff.Split('\n').Where(l => l.StartsWith("+++ b/", StringComparison.Ordinal)).Select(l => l[6..].TrimEnd('\r')))
                .Distinct(),
        ]);

    public ValueTask<string> GetDiffAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Diff);

    public ValueTask<WorkspaceSettlement> SettleAsync(bool approved, string commitMessage, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new WorkspaceSettlement(null, null, Diff));

    public ValueTask DisposeAsync()
    {
        Directory.Delete(RootPath, recursive: true);
        return ValueTask.CompletedTask;
    }
}
