namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// BUILD's edits turned into whole new file contents for the jailed writer (only the files they change; none when they
/// change nothing), or the problems that stop them (each naming its file), which go back to BUILD as feedback. Nothing
/// is written when there is a problem.
/// </summary>
internal sealed record EditApplication(IReadOnlyList<FileEdit> Files, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;

    /// <summary>The problems as one feedback text.</summary>
    public string Feedback =>
        $"BUILD's edits could not be applied, so nothing was written:\n\n{string.Join("\n\n", Problems)}";
}
