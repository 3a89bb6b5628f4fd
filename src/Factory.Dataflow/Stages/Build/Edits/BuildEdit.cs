namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// One edit in BUILD's reply: either a file's whole new content (<see cref="WholeFileEdit"/>) or an exact passage of an
/// existing file and its replacement (<see cref="SearchReplaceEdit"/>).
/// </summary>
/// <param name="Path">The repository-relative path the edit is for.</param>
internal abstract record BuildEdit(string Path);
