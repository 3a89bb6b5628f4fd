namespace Factory.Dataflow.Workspace;

/// <summary>A path was refused by the worktree's confinement; the message names the path and why.</summary>
public sealed class ConfinedPathException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConfinedPathException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConfinedPathException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public ConfinedPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
