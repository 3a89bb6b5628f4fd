using Factory.Dataflow;
using Factory.Dataflow.Stages.Build.Edits;

namespace Factory.Tests.Stages.Build;

public class EditApplierTests
{
    private const string Module = "import os\n\n\ndef first() -> int:\n    return 1\n\n\ndef second() -> int:\n    return 1\n\n\ndef third() -> str:\n    return os.sep\n";

    private static EditApplication Apply(string content, params BuildEdit[] edits) =>
        EditApplier.Apply(edits, p => p == "app/mod.py" ? CurrentFile.Of(content) : CurrentFile.Missing, new HashSet<string>());

    [Fact]
    public void A_passage_that_occurs_once_is_replaced_and_nothing_else_changes()
    {
        var result = Apply(Module, new SearchReplaceEdit("app/mod.py", "def third() -> str:\n    return os.sep\n", "def third() -> str:\n    return os.linesep\n"));

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        var file = Assert.Single(result.Files);
        Assert.Equal(Module.Replace("return os.sep", "return os.linesep", StringComparison.Ordinal), file.Content);
    }

    [Fact]
    public void A_passage_that_matches_twice_fails_naming_the_file_and_both_places()
    {
        var result = Apply(Module, new SearchReplaceEdit("app/mod.py", "    return 1\n", "    return 2\n"));

        Assert.False(result.Ok);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("app/mod.py: the \"search\" passage matches 2 places", problem, StringComparison.Ordinal);
        Assert.Contains("   5|     return 1", problem, StringComparison.Ordinal);
        Assert.Contains("   9|     return 1", problem, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void A_passage_that_matches_nothing_fails_showing_the_closest_passage_with_line_numbers()
    {
        var result = Apply(Module, new SearchReplaceEdit("app/mod.py", "def thrid() -> str:\n    return os.sep()\n", "x = 1\n"));

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("app/mod.py: the \"search\" passage matches nothing in the file", problem, StringComparison.Ordinal);
        Assert.Contains("The closest passage is lines 12-13:\n  12| def third() -> str:\n  13|     return os.sep\n", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_passage_with_shifted_indentation_and_trailing_spaces_is_found_and_the_replacement_follows_the_file()
    {
        const string code = "class A:\n    def run(self) -> int:\n        return 1\n";
        var result = Apply(code, new SearchReplaceEdit("app/mod.py", "def run(self) -> int:  \n    return 1\n", "def run(self) -> int:\n    return 2\n"));

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.Equal("class A:\n    def run(self) -> int:\n        return 2\n", Assert.Single(result.Files).Content);
    }

    [Fact]
    public void Line_numbers_copied_from_the_prompt_are_ignored()
    {
        var result = Apply(Module, new SearchReplaceEdit("app/mod.py", "  12| def third() -> str:\n  13|     return os.sep\n", "  12| def third() -> str:\n  13|     return os.curdir\n"));

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.EndsWith("def third() -> str:\n    return os.curdir\n", Assert.Single(result.Files).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Edits_to_one_file_apply_in_order_and_crlf_line_breaks_are_kept()
    {
        var crlf = Module.Replace("\n", "\r\n", StringComparison.Ordinal);
        var result = Apply(crlf,
            new SearchReplaceEdit("app/mod.py", "def first() -> int:\n    return 1\n", "def first() -> int:\n    return 10\n"),
            new SearchReplaceEdit("app/mod.py", "return 10", "return 100"));

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.Contains("def first() -> int:\r\n    return 100\r\n", Assert.Single(result.Files).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_file_not_shown_whole_may_not_be_replaced_whole_but_a_new_file_may()
    {
        var refused = Apply(Module, new WholeFileEdit("app/mod.py", "x = 1\n"));
        var created = Apply(Module, new WholeFileEdit("app/new.py", "x = 1\n"));
        var shown = EditApplier.Apply([new WholeFileEdit("./app/mod.py", "x = 1\n")], _ => CurrentFile.Of(Module), new HashSet<string> { "app/mod.py" });

        Assert.Contains("app/mod.py: replacing this existing file whole is refused", Assert.Single(refused.Problems), StringComparison.Ordinal);
        Assert.Contains("search/replace", refused.Problems[0], StringComparison.Ordinal);
        Assert.Equal(new FileEdit("app/new.py", "x = 1\n"), Assert.Single(created.Files));
        Assert.True(shown.Ok);
    }

    [Fact]
    public void Files_the_edits_leave_as_they_were_are_not_written()
    {
        var result = Apply(Module, new SearchReplaceEdit("app/mod.py", "def first() -> int:", "def first() -> int:"));

        Assert.True(result.Ok);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void Searching_in_a_missing_file_fails_and_says_how_to_create_one()
    {
        var result = Apply(Module, new SearchReplaceEdit("app/other.py", "x = 1", "x = 2"));

        Assert.Contains("app/other.py: the file does not exist", Assert.Single(result.Problems), StringComparison.Ordinal);
        Assert.Contains("\"content\"", result.Problems[0], StringComparison.Ordinal);
    }
}
