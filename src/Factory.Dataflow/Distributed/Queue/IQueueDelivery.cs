namespace Factory.Dataflow.Distributed;

/// <summary>One delivery of a queued message to this worker; an ack or a release ends it (or the broker's ack wait, when the worker dies).</summary>
public interface IQueueDelivery
{
    /// <summary>The message id the publisher gave (the request id), or null when it had none.</summary>
    string? MessageId { get; }

    /// <summary>The message body as published (the JSON of a <see cref="QueuedRequest"/>, unless it is malformed).</summary>
    ReadOnlyMemory<byte> Body { get; }

    /// <summary>The message headers (trace context among them).</summary>
    IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>How many times this message has been delivered, this delivery included (1 the first time).</summary>
    long DeliveryCount { get; }

    /// <summary>Done: the message leaves the queue.</summary>
    ValueTask AckAsync(CancellationToken cancellationToken);

    /// <summary>Still working: restarts the broker's redelivery timer.</summary>
    ValueTask ExtendAsync(CancellationToken cancellationToken);

    /// <summary>Not done here: the broker delivers the message again after <paramref name="delay"/> (to any worker).</summary>
    ValueTask ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken);
}
