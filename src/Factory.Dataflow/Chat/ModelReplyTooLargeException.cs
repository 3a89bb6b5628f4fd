namespace Factory.Dataflow.Chat;

/// <summary>
/// A model server's reply was larger than <see cref="OllamaOptions.MaxReplyBytes"/>: reading stopped at the cap, so
/// the reply never sits in memory whole. Not an <see cref="IOException"/>, so neither HttpClient nor a retry takes it
/// for a transport fault; the stage's call fails with a <see cref="ModelCallException"/> that says so.
/// </summary>
public sealed class ModelReplyTooLargeException : Exception
{
    /// <summary>Creates the exception for a reply from <paramref name="endpoint"/> that passed <paramref name="limit"/> bytes.</summary>
    public ModelReplyTooLargeException(Uri? endpoint, long limit, long? declaredLength)
        : base(Describe(endpoint, limit, declaredLength))
    {
        Endpoint = endpoint;
        Limit = limit;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ModelReplyTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModelReplyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ModelReplyTooLargeException()
        : base("The model's reply was larger than the configured cap.")
    {
    }

    /// <summary>The request's address.</summary>
    public Uri? Endpoint { get; }

    /// <summary>The cap, in bytes.</summary>
    public long Limit { get; }

    /// <summary>A size as people read it: "4 MiB (4,194,304 bytes)".</summary>
    internal static string Size(long bytes) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.##} MiB ({bytes:N0} bytes)");

    private static string Describe(Uri? endpoint, long limit, long? declaredLength) =>
        (declaredLength is { } length
            ? $"The reply from {endpoint} declares {Size(length)}"
            : $"The reply from {endpoint} went past {Size(limit)}")
        + $", more than Factory:Ollama:MaxReplyBytes allows ({Size(limit)}); it was not read further.";
}
