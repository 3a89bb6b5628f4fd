using Factory.Dataflow.Distributed;

namespace Factory.Tests.Distributed;

/// <summary>
/// A queue whose deliveries never get their ack to the broker, as if the worker died right after its push: the ack
/// signals <see cref="Crashed"/> and fails. Everything else goes to the real queue.
/// </summary>
internal sealed class CrashBeforeAckQueue(IWorkQueue inner) : IWorkQueue
{
    private readonly TaskCompletionSource<string> _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the request id whose ack was lost.</summary>
    public Task<string> Crashed => _crashed.Task;

    public string Address => inner.Address;

    public ValueTask ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public ValueTask<PublishResult> PublishAsync(QueuedRequest request, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken) =>
        inner.PublishAsync(request, headers, cancellationToken);

    public async ValueTask<IReadOnlyList<IQueueDelivery>> ReceiveAsync(int max, TimeSpan wait, CancellationToken cancellationToken) =>
        [.. (await inner.ReceiveAsync(max, wait, cancellationToken)).Select(d => new Delivery(d, _crashed))];

    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Delivery(IQueueDelivery inner, TaskCompletionSource<string> crashed) : IQueueDelivery
    {
        public string? MessageId => inner.MessageId;

        public ReadOnlyMemory<byte> Body => inner.Body;

        public IReadOnlyDictionary<string, string> Headers => inner.Headers;

        public long DeliveryCount => inner.DeliveryCount;

        public ValueTask AckAsync(CancellationToken cancellationToken)
        {
            crashed.TrySetResult(MessageId ?? "?");
            throw new QueueUnavailableException("simulated crash between the push and the ack");
        }

        public ValueTask ExtendAsync(CancellationToken cancellationToken) => inner.ExtendAsync(cancellationToken);

        public ValueTask ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken) => inner.ReleaseAsync(delay, cancellationToken);
    }
}
