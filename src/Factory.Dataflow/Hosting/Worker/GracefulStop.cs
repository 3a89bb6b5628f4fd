namespace Factory.Dataflow.Hosting.Worker;

/// <summary>
/// How Factory's hosted workers stop: the base stop cancels the intake at once; the work in flight runs on until the
/// host's shutdown token fires, then <c>abort</c> cancels it; then the stop waits for the worker's loop to end, so
/// nothing in flight is abandoned when the host moves on.
/// </summary>
internal static class GracefulStop
{
    public static async Task StopAsync(Func<CancellationToken, Task> baseStop, CancellationTokenSource abort, Func<Task?> executeTask, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(static source => ((CancellationTokenSource)source!).Cancel(), abort).ConfigureAwait(false))
        {
            // The base cancels the intake and waits for ExecuteAsync, but gives up when the token fires.
            await baseStop(cancellationToken).ConfigureAwait(false);
        }

        // Past the timeout the work is cancelled, and cancelled work ends quickly: wait for it too.
        await abort.CancelAsync().ConfigureAwait(false);
        if (executeTask() is { } execute)
        {
            try
            {
                await execute.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The intake's own cancellation; the work's results were still published.
            }
        }
    }
}
