namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>Where a search passage was found in a file, or why it could not be used.</summary>
internal abstract record PassageMatch
{
    /// <summary>
    /// Exactly one place: characters <paramref name="Start"/>..+<paramref name="Length"/> of the file. For a match made
    /// line by line (<paramref name="LineBased"/>), the replacement is re-indented: up to <paramref name="Dedent"/> leading
    /// whitespace characters come off each line and <paramref name="Indent"/> goes on, as the passage was shifted.
    /// </summary>
    public sealed record Unique(int Start, int Length, bool LineBased, int Dedent, string Indent, bool StripLineNumbers) : PassageMatch;

    /// <summary>More than one place; the 1-based first lines of each (the first few).</summary>
    public sealed record Ambiguous(IReadOnlyList<int> Lines, int Count) : PassageMatch;

    /// <summary>Nowhere; the closest passage is lines <paramref name="FirstLine"/>..<paramref name="LastLine"/> (1-based), or 0..0 in an empty file.</summary>
    public sealed record Missing(int FirstLine, int LastLine) : PassageMatch;

    /// <summary>The passage is empty or only blank lines.</summary>
    public sealed record Empty : PassageMatch;
}
