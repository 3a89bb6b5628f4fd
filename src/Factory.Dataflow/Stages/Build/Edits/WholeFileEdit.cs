namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>A file's complete new content: for new files, and for existing files BUILD was shown whole.</summary>
internal sealed record WholeFileEdit(string Path, string Content) : BuildEdit(Path);
