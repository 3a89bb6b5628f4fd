namespace Factory.Dataflow.Stages.TestWriter;

/// <summary>Where the test writer puts new tests and how much code it is shown.</summary>
public sealed class TestWriterOptions
{
    /// <summary>The repository-relative folder new test files must be in.</summary>
    /// <value>Defaults to <c>tests</c>.</value>
    public string TestFolder { get; set; } = "tests";

    /// <summary>The most characters of one changed file quoted in the prompt; longer files are cut with a note.</summary>
    /// <value>Defaults to 16 000.</value>
    public int MaxFileChars { get; set; } = 16_000;
}
