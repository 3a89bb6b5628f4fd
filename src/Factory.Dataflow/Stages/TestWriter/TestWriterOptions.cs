namespace Factory.Dataflow.Stages.TestWriter;

/// <summary>How much code and feedback the test writer is shown. Where tests go is the repository's own setting (<see cref="Gates.GateConfig.TestFolders"/>).</summary>
public sealed class TestWriterOptions
{
    /// <summary>The most characters of one changed file quoted in the prompt; longer files are cut with a note.</summary>
    /// <value>Defaults to 16 000.</value>
    public int MaxFileChars { get; set; } = 16_000;

    /// <summary>The most characters of TEST's previous failure quoted in the prompt (its start and end are kept).</summary>
    /// <value>Defaults to 8 000.</value>
    public int MaxFeedbackChars { get; set; } = 8_000;
}
