namespace Factory.Dataflow.Chat;

/// <summary>A model reply that is not the JSON its stage's contract asks for; the message says what is wrong.</summary>
public sealed class ReplyFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ReplyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the parser's error.</summary>
    public ReplyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ReplyFormatException()
        : base("The reply is not in the expected JSON form.")
    {
    }
}
