namespace Factory.Dataflow.Workspace;

/// <summary>A git command the workspace needed failed; the message carries the command and git's own error text.</summary>
public sealed class GitCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GitCommandException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GitCommandException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public GitCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
