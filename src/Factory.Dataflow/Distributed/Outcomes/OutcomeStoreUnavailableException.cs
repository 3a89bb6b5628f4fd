namespace Factory.Dataflow.Distributed;

/// <summary>The shared remote that holds the outcomes cannot be reached or refused a push for a reason other than a lost race; the message names it.</summary>
public sealed class OutcomeStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutcomeStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OutcomeStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OutcomeStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
