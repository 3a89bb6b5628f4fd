using System.Collections.Concurrent;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// Shares mypy's cache between the worktrees of one repository without letting concurrent runs corrupt it. Each run
/// gets a private copy made of hard links to the newest snapshot, made in this process (<see cref="MypyCacheCopy"/>:
/// mypy replaces its cache files by rename, so the snapshot's files are never changed through the links; the two it
/// writes in place are copied); a finished run's copy becomes the
/// newest snapshot by a rename. Readers never see a half-written cache; concurrent writers never share one.
/// </summary>
internal sealed class MypyCacheStore(string root)
{
    private const string CurrentFile = "current";
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_locks = new(StringComparer.Ordinal);

    public async Task<MypyCacheLease> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(root, key);
        var work = Path.Combine(folder, "work", Guid.NewGuid().ToString("N"));
        var semaphore = s_locks.GetOrAdd(folder, static _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(work)!);
            if (CurrentSnapshot(folder) is { } snapshot)
            {
                try
                {
                    MypyCacheCopy.Copy(snapshot, work);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    DeletePartial(work);
                    throw new GateEnvironmentException($"Could not copy the mypy cache {snapshot}: {exception.Message}", exception);
                }
            }
            else
            {
                Directory.CreateDirectory(work);
            }
        }
        finally
        {
            semaphore.Release();
        }

        return new MypyCacheLease(work, (path, ct) => PublishAsync(folder, path, semaphore, ct));
    }

    private static async Task PublishAsync(string folder, string work, SemaphoreSlim semaphore, CancellationToken cancellationToken)
    {
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshots = Path.Combine(folder, "snapshots");
            Directory.CreateDirectory(snapshots);
            var name = Guid.NewGuid().ToString("N");
            Directory.Move(work, Path.Combine(snapshots, name));

            // Rename is atomic: a reader sees the old name or the new one, never a partial file.
            var pointer = Path.Combine(folder, CurrentFile);
            var temporary = pointer + "." + name;
            await File.WriteAllTextAsync(temporary, name, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, pointer, overwrite: true);

            // Copies are taken under this same lock, so no one is reading an older snapshot now.
            foreach (var old in Directory.GetDirectories(snapshots).Where(d => Path.GetFileName(d) != name))
            {
                Directory.Delete(old, recursive: true);
            }
        }
        finally
        {
            semaphore.Release();
        }
    }

    private static void DeletePartial(string work)
    {
        try
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left in the work folder; the error being reported is the copy's.
        }
    }

    private static string? CurrentSnapshot(string folder)
    {
        var pointer = Path.Combine(folder, CurrentFile);
        if (!File.Exists(pointer))
        {
            return null;
        }

        var snapshot = Path.Combine(folder, "snapshots", File.ReadAllText(pointer).Trim());
        return Directory.Exists(snapshot) ? snapshot : null;
    }
}
