namespace Factory.Dataflow.Distributed;

/// <summary>
/// A shared backlog many workers take requests from: at-least-once delivery with explicit acknowledgement, a message
/// kept alive while a worker works on it, and duplicate publishes of one request id ignored. The NATS JetStream
/// implementation is <c>Factory.Nats.NatsWorkQueue</c>; another broker (RabbitMQ quorum queues, say) fits behind the same
/// few calls.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a work queue; the name says what it is.")]
public interface IWorkQueue : IAsyncDisposable
{
    /// <summary>The broker's address as the user gave it, for messages that must name it.</summary>
    string Address { get; }

    /// <summary>Connects and makes sure the stream and consumer exist.</summary>
    /// <exception cref="QueueUnavailableException">The broker cannot be reached or refused the set-up; the message names the address.</exception>
    ValueTask ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Publishes one request under its id, with <paramref name="headers"/> (trace context) attached.</summary>
    /// <returns>Whether it was queued or the queue already held (or had just held) a request with that id.</returns>
    ValueTask<PublishResult> PublishAsync(QueuedRequest request, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken);

    /// <summary>Waits up to <paramref name="wait"/> for at most <paramref name="max"/> deliveries.</summary>
    /// <returns>The deliveries that arrived, possibly none.</returns>
    ValueTask<IReadOnlyList<IQueueDelivery>> ReceiveAsync(int max, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>How many requests the queue still holds, delivered or not.</summary>
    ValueTask<long> CountPendingAsync(CancellationToken cancellationToken);
}
