using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Hosting.Worker;

// The worker's log messages.
public sealed partial class FactoryWorker
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Factory request {RequestId} ended: {Outcome}")]
    private partial void LogOutcome(string requestId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of Factory request {RequestId} was dropped: the outcome channel was completed by the app")]
    private partial void LogOutcomeDropped(string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Factory pipeline faulted; the worker stopped")]
    private partial void LogPipelineFault(Exception exception);
}
