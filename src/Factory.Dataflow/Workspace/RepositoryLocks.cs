using System.Collections.Concurrent;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// One lock per repository (keyed by its resolved git common dir) for the git operations that take repository-wide
/// locks (worktree add/remove, branch create/delete, commits updating refs). Concurrent requests otherwise collide
/// on git's own lock files and fail. Static because several providers in one process may target one repository.
/// </summary>
internal static class RepositoryLocks
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_locks = new(StringComparer.Ordinal);

    public static async Task<IDisposable> AcquireAsync(string gitCommonDirectory, CancellationToken cancellationToken)
    {
        var semaphore = s_locks.GetOrAdd(gitCommonDirectory, static _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(semaphore);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
