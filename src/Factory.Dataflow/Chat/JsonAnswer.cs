namespace Factory.Dataflow.Chat;

/// <summary>The outcome of a JSON call: the value read from the reply, or why no reply could be read.</summary>
/// <typeparam name="T">What the stage reads from the reply.</typeparam>
public sealed class JsonAnswer<T>
{
    private JsonAnswer(bool ok, T? value, string? error, string rawText)
    {
        IsOk = ok;
        Value = value;
        Error = error;
        RawText = rawText;
    }

    /// <summary>True when the reply (or its repair) was read.</summary>
    public bool IsOk { get; }

    /// <summary>The value read; default when <see cref="IsOk"/> is false.</summary>
    public T? Value { get; }

    /// <summary>Why the last reply could not be read (after the repair retry), or null.</summary>
    public string? Error { get; }

    /// <summary>The text of the last reply.</summary>
    public string RawText { get; }

    internal static JsonAnswer<T> Ok(T value, string rawText) => new(true, value, null, rawText);

    internal static JsonAnswer<T> Malformed(string error, string rawText) => new(false, default, error, rawText);
}
