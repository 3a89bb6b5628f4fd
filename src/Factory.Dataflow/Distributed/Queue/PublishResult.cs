namespace Factory.Dataflow.Distributed;

/// <summary>What publishing one request did.</summary>
public enum PublishResult
{
    /// <summary>The request is now in the queue.</summary>
    Queued,

    /// <summary>The queue already holds a request with this id (or saw one within its duplicate window): nothing was added.</summary>
    AlreadyQueued,
}
