using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Distributed;

// The queue worker's log messages.
public sealed partial class QueueWorker
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Queue request {RequestId} (delivery {Delivery}): {Kind} {Detail}")]
    private partial void LogEvent(QueueWorkerEventKind kind, string requestId, long delivery, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed; retrying in {Seconds} s: {Message}")]
    private partial void LogRetry(string what, double seconds, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private partial void LogInfrastructure(string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue request {RequestId} failed on this worker; the broker will redeliver it after its ack wait")]
    private partial void LogDeliveryFailed(Exception exception, string requestId);
}
