namespace Factory.Dataflow.Distributed;

/// <summary>A request's base commit is not on the remote, even after a fetch: the request cannot be built anywhere.</summary>
public sealed class BaseCommitMissingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BaseCommitMissingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BaseCommitMissingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BaseCommitMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
