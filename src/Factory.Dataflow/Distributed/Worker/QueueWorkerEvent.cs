namespace Factory.Dataflow.Distributed;

/// <summary>What a <see cref="QueueWorker"/> did with one delivery, for progress lines and tests.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="RequestId">The request (for a malformed message, the id its outcome is stored under).</param>
/// <param name="Delivery">Which delivery of the message (1 the first time).</param>
/// <param name="Detail">The outcome's status, the error, or null.</param>
public sealed record QueueWorkerEvent(QueueWorkerEventKind Kind, string RequestId, long Delivery, string? Detail);

/// <summary>The kinds of <see cref="QueueWorkerEvent"/>.</summary>
public enum QueueWorkerEventKind
{
    /// <summary>The pipeline started on the request.</summary>
    Started,

    /// <summary>This worker's outcome was pushed: it is the request's outcome.</summary>
    Won,

    /// <summary>Another worker's outcome was there first; this result was dropped.</summary>
    Lost,

    /// <summary>The request already had an outcome; acked without running.</summary>
    AlreadyDone,

    /// <summary>The queue ended the request without running it (delivery limit, malformed request, missing base).</summary>
    Ended,

    /// <summary>Handed back to the queue for another delivery (the worker is stopping, or the request is running here already).</summary>
    Released,

    /// <summary>The worker could not handle the delivery (an unexpected error); the broker redelivers it after its ack wait.</summary>
    Faulted,
}
