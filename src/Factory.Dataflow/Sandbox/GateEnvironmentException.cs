namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The machine cannot run the gates: a tool is missing, bubblewrap is unavailable, or a tool failed in a way that says
/// nothing about the code under test. Thrown (failing the request) rather than fed back to BUILD, which cannot fix it.
/// </summary>
public sealed class GateEnvironmentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GateEnvironmentException()
    {
    }

    /// <summary>Creates the exception with a message naming the tool and how to install it.</summary>
    public GateEnvironmentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public GateEnvironmentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
