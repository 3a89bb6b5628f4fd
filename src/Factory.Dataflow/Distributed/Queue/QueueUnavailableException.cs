namespace Factory.Dataflow.Distributed;

/// <summary>The work queue's broker cannot be reached or refused a call; the message names its address.</summary>
public sealed class QueueUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QueueUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public QueueUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
