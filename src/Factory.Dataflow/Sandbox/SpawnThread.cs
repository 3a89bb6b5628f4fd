using System.Collections.Concurrent;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// One long-lived thread that starts every sandboxed process. bwrap's <c>--die-with-parent</c> uses Linux's
/// PR_SET_PDEATHSIG, which fires when the *thread* that forked the process exits, not the process: started from a
/// thread-pool thread, a gate would be SIGKILLed whenever the pool retired that thread. Started from this thread,
/// which lives as long as the factory, "dies with its parent" means exactly that.
/// </summary>
internal static class SpawnThread
{
    private static readonly BlockingCollection<Action> s_work = [];
    private static readonly Thread s_thread = StartThread();

    public static Task<T> RunAsync<T>(Func<T> start)
    {
        _ = s_thread; // Ensures the thread exists.
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_work.Add(() =>
        {
            try
            {
                completion.SetResult(start());
            }
            catch (Exception exception)
            {
                // Handed to the awaiting caller, which sees it as if it had started the process itself.
                completion.SetException(exception);
            }
        });
        return completion.Task;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var work in s_work.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "Factory sandbox spawner",
        };
        thread.Start();
        return thread;
    }
}
