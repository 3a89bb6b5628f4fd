namespace Factory.Dataflow.Distributed;

/// <summary>Tells the broker every <c>period</c> that a delivery is still being worked on, until disposed.</summary>
internal sealed class Heartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private Heartbeat(IQueueDelivery delivery, TimeSpan period, TimeProvider time, Action<string> onFailure) =>
        _loop = BeatAsync(delivery, period, time, onFailure, _stop.Token);

    public static Heartbeat Start(IQueueDelivery delivery, TimeSpan period, TimeProvider time, Action<string> onFailure) =>
        new(delivery, period, time, onFailure);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task BeatAsync(IQueueDelivery delivery, TimeSpan period, TimeProvider time, Action<string> onFailure, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await delivery.ExtendAsync(stop).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is QueueUnavailableException or InvalidOperationException)
                {
                    // One lost beat is within the ack wait (the period is at most half of it); keep beating.
                    onFailure($"A heartbeat for '{delivery.MessageId}' failed: {exception.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed: the delivery is being acked or released.
        }
    }
}
