using Factory.Dataflow.Stages.Build.Edits;

namespace Factory.Tests.Stages.Build;

public class PassageLocatorTests
{
    [Fact]
    public void A_substring_that_occurs_twice_but_is_one_whole_line_once_is_that_line()
    {
        var source = new SourceText("max = 10\nx = 1\n");

        var match = Assert.IsType<PassageMatch.Unique>(PassageLocator.Find(source, "x = 1"));

        Assert.Equal("x = 1\n", source.Text.Substring(match.Start, match.Length));
    }

    [Fact]
    public void A_blank_passage_is_empty()
    {
        Assert.IsType<PassageMatch.Empty>(PassageLocator.Find(new SourceText("x = 1\n"), " \n\n"));
    }

    [Fact]
    public void The_closest_passage_in_a_large_file_is_the_window_most_alike()
    {
        var lines = Enumerable.Range(1, 2000).Select(i => $"def f{i:D4}() -> int:\n    return {i}\n");
        var source = new SourceText(string.Concat(lines));

        var missing = Assert.IsType<PassageMatch.Missing>(PassageLocator.Find(source, "def f1234() -> int:\n    return 12345\n"));

        Assert.Equal((2467, 2468), (missing.FirstLine, missing.LastLine));
    }
}
