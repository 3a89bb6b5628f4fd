namespace Factory.Dataflow.Chat.Preflight;

/// <summary>The Ollama server cannot serve the configured stages; the message says what to do. Nothing has started.</summary>
public sealed class OllamaPreflightException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OllamaPreflightException(string message, Uri? endpoint, IReadOnlyList<string> missingModels, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
        MissingModels = missingModels;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public OllamaPreflightException(string message)
        : this(message, null, [])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public OllamaPreflightException(string message, Exception innerException)
        : this(message, null, [], innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OllamaPreflightException()
        : this("The Ollama server is not ready.")
    {
    }

    /// <summary>The server checked.</summary>
    public Uri? Endpoint { get; }

    /// <summary>Configured models the server does not have (empty when the server was unreachable).</summary>
    public IReadOnlyList<string> MissingModels { get; }

    /// <summary>True when the server could not be reached at all.</summary>
    public bool Unreachable => MissingModels.Count == 0;
}
