namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>One run's private mypy cache folder; published as the shared snapshot, or deleted on dispose.</summary>
internal sealed class MypyCacheLease(string path, Func<string, CancellationToken, Task> publish) : IDisposable
{
    private bool _published;

    public string Path { get; } = path;

    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        await publish(Path, cancellationToken).ConfigureAwait(false);
        _published = true;
    }

    public void Dispose()
    {
        if (!_published && Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
