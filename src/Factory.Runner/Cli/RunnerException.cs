namespace Factory.Runner.Cli;

/// <summary>A usage or environment error: what is wrong and what to do. The CLI prints it and exits with code 2.</summary>
internal sealed class RunnerException : Exception
{
    public RunnerException(string message)
        : base(message)
    {
    }

    public RunnerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RunnerException()
    {
    }
}
