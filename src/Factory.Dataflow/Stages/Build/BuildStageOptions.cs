namespace Factory.Dataflow.Stages.Build;

/// <summary>How much of the current code BUILD is shown besides its model settings.</summary>
public sealed class BuildStageOptions
{
    /// <summary>
    /// The most characters of one cited file quoted in BUILD's prompt. BUILD replaces whole files, so it needs to see the
    /// ones it edits; a file longer than this is not quoted (BUILD is told so) rather than cut, since a cut file would be
    /// written back cut.
    /// </summary>
    /// <value>Defaults to 24 000.</value>
    public int MaxFileChars { get; set; } = 24_000;

    /// <summary>The most characters of all quoted files together.</summary>
    /// <value>Defaults to 60 000.</value>
    public int MaxTotalChars { get; set; } = 60_000;
}
