namespace Factory.Dataflow.Stages.Build;

/// <summary>How much of the code and of the last failure BUILD's prompt shows. Validated when BUILD is created.</summary>
public sealed class BuildStageOptions
{
    /// <summary>
    /// Files up to this many characters are shown whole and may be replaced whole. Longer files are shown as regions with
    /// line numbers (their head and tail, what SCOUT cited, what the last error names) and an outline of their definitions,
    /// and are changed with search/replace edits; a whole-file reply for them would have to fit BUILD's output limit and
    /// would lose what BUILD never saw.
    /// </summary>
    /// <value>Defaults to 12 000.</value>
    public int MaxWholeFileChars { get; set; } = 12_000;

    /// <summary>The most characters of regions shown from one file that is not shown whole.</summary>
    /// <value>Defaults to 16 000.</value>
    public int MaxRegionChars { get; set; } = 16_000;

    /// <summary>The most characters of file text in the prompt, all files together; past it files get only their outline.</summary>
    /// <value>Defaults to 60 000.</value>
    public int MaxTotalChars { get; set; } = 60_000;

    /// <summary>Lines shown around each cited or changed region.</summary>
    /// <value>Defaults to 3.</value>
    public int ContextLines { get; set; } = 3;

    /// <summary>The first lines of a long file (its imports, usually) shown on the first attempt.</summary>
    /// <value>Defaults to 30.</value>
    public int HeadLines { get; set; } = 30;

    /// <summary>The last lines of a long file (where new code is often added) shown on the first attempt.</summary>
    /// <value>Defaults to 15.</value>
    public int TailLines { get; set; } = 15;

    /// <summary>The most characters of the previous failure quoted on a retry, after trimming; longer text keeps its head and tail.</summary>
    /// <value>Defaults to 8 000.</value>
    public int MaxFeedbackChars { get; set; } = 8_000;

    internal BuildStageOptions Validated()
    {
        if (MaxWholeFileChars < 0 || MaxRegionChars < 1 || MaxTotalChars < 1 || ContextLines < 0 || HeadLines < 0 || TailLines < 0 ||
            MaxFeedbackChars < 200)
        {
            throw new ArgumentException(
                "BuildStageOptions: MaxRegionChars and MaxTotalChars must be positive, MaxFeedbackChars at least 200, and the others not negative.");
        }

        // A copy, so a caller changing its options later cannot change a running stage.
        return (BuildStageOptions)MemberwiseClone();
    }
}
