namespace Factory.Dataflow;

/// <summary>BUILD's eval: do the written files still parse? Implemented by the language's own parser.</summary>
public interface ISyntaxChecker
{
    /// <summary>
    /// Checks <paramref name="relativePaths"/> under <paramref name="root"/>; returns null when every file parses,
    /// otherwise the parser's own message (used verbatim as BUILD feedback).
    /// </summary>
    ValueTask<string?> CheckAsync(string root, IReadOnlyList<string> relativePaths, CancellationToken cancellationToken);
}
