using Factory.Dataflow.Stages.Build.Edits;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Stages.Build;

/// <summary>
/// The one place BUILD reads worktree files (for its prompt and to apply search/replace edits): through the workspace's
/// confined, bounded <see cref="IFeatureWorkspace.ReadFileAsync"/>, loaded before the prompt and the edits need them,
/// so the prompt and the edit applier can ask synchronously.
/// </summary>
internal sealed class CurrentFiles(IFeatureWorkspace workspace)
{
    /// <summary>The most bytes read of one file: a search/replace edit needs every character, but not of a file this large.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    private readonly Dictionary<string, CurrentFile> _loaded = new(StringComparer.Ordinal);

    public async Task LoadAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            if (!_loaded.ContainsKey(path))
            {
                _loaded[path] = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A loaded file; one not loaded yet is read now (the workspace's reader completes without waiting).</summary>
    public CurrentFile Read(string path, CancellationToken cancellationToken)
    {
        if (!_loaded.TryGetValue(path, out var file))
        {
            _loaded[path] = file = ReadAsync(path, cancellationToken).GetAwaiter().GetResult();
        }

        return file;
    }

    private async Task<CurrentFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        WorkspaceFile file;
        try
        {
            file = await workspace.ReadFileAsync(path, MaxFileBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfinedPathException exception)
        {
            return new WorktreeFiles(workspace).Find(path, out _) is { Kind: EntryKind.Missing }
                ? CurrentFile.Missing
                : CurrentFile.Unreadable(exception.Message);
        }

        return file.IsBinary ? CurrentFile.Unreadable($"'{path}' is a binary file")
            : file.IsTruncated ? CurrentFile.Unreadable($"'{path}' is {file.Length} bytes, more than the {MaxFileBytes} BUILD reads")
            : CurrentFile.Of(file.Text);
    }
}
