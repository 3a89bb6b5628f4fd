namespace Factory.Tests.Support.FakeOllama;

/// <summary>What the fake server does with one /api/chat request.</summary>
public abstract record FakeReply
{
    /// <summary>An assistant message with the given usage figures (Ollama's prompt_eval_count and eval_count).</summary>
    public static FakeReply Text(string content, int promptEvalCount = 100, int evalCount = 50) =>
        new TextReply(content, promptEvalCount, evalCount);

    /// <summary>An assistant message that calls tools; each call is a name and its JSON arguments.</summary>
    public static FakeReply Tools(params (string Name, string ArgumentsJson)[] calls) => new ToolReply(calls, 80, 20);

    /// <summary>An HTTP error with an Ollama-style {"error": ...} body.</summary>
    public static FakeReply Status(int statusCode, string error = "internal error") => new StatusReply(statusCode, error);

    /// <summary>Never answers: waits until the client gives up and aborts the request.</summary>
    public static FakeReply Hang() => new HangReply();

    /// <summary>
    /// An assistant message of <paramref name="contentBytes"/> bytes, written in chunks as the client reads (never held
    /// whole); with <paramref name="declareLength"/> the non-streamed reply also sends its Content-Length.
    /// </summary>
    public static FakeReply Huge(long contentBytes, bool declareLength = false) => new HugeReply(contentBytes, declareLength);
}

public sealed record TextReply(string Content, int PromptEvalCount, int EvalCount) : FakeReply;

public sealed record ToolReply(IReadOnlyList<(string Name, string ArgumentsJson)> Calls, int PromptEvalCount, int EvalCount) : FakeReply;

public sealed record StatusReply(int StatusCode, string Error) : FakeReply;

public sealed record HangReply : FakeReply;

public sealed record HugeReply(long ContentBytes, bool DeclareLength) : FakeReply;
