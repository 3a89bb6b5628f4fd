namespace Factory.Dataflow.Chat;

/// <summary>
/// A model call that could not be completed: the transport kept failing after its retries, it timed out, or the server
/// refused it (a missing model). The message names the stage, the endpoint, the model and the cause; the stage's
/// request ends "failed in stage X" with it.
/// </summary>
public sealed class ModelCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelCallException(StageName stage, string message, int attempts, Exception? innerException)
        : base(message, innerException)
    {
        Stage = stage;
        Attempts = attempts;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ModelCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModelCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ModelCallException()
        : base("The model call failed.")
    {
    }

    /// <summary>The stage whose call failed.</summary>
    public StageName Stage { get; }

    /// <summary>How many HTTP attempts were made.</summary>
    public int Attempts { get; }
}
