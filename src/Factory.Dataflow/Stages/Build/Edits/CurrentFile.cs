namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>A file as it is in the worktree before BUILD's edits: its text, absent, or not readable (and why).</summary>
internal sealed record CurrentFile(string? Content, string? Problem)
{
    public static CurrentFile Missing { get; } = new(null, null);

    public static CurrentFile Of(string content) => new(content, null);

    public static CurrentFile Unreadable(string problem) => new(null, problem);

    public bool Exists => Content is not null;
}
