using Factory.Dataflow.Reporting;

namespace Factory.Tests.Reporting;

public sealed class TerminalTextTests
{
    // What a hostile reply would print: a line repaint to "approved" and an OSC 52 clipboard write.
    private const string Repaint = "rejected\r\u001b[2K\u001b[1Aoutcome: approved";
    private const string Clipboard = "\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007";

    [Fact]
    public void Escape_sequences_become_visible_text_that_does_nothing()
    {
        var shown = TerminalText.Escape(Repaint + Clipboard);

        Assert.Equal(@"rejected\r\e[2K\e[1Aoutcome: approved\e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\a", shown);
        Assert.DoesNotContain(shown, TerminalText.IsUnsafe);
    }

    [Fact]
    public void Multi_line_text_keeps_its_newlines_and_tabs_and_drops_the_carriage_return_of_a_windows_line_end()
    {
        Assert.Equal("line one\n\tline two\nthree", TerminalText.Escape("line one\r\n\tline two\nthree"));
    }

    [Fact]
    public void A_one_line_field_cannot_start_a_line_of_its_own()
    {
        Assert.Equal(@"title\nreason: approved\tx\r", TerminalText.Line("title\nreason: approved\tx\r"));
    }

    [Theory]
    [InlineData('\u009b', @"\u009b")] // C1 CSI, which some terminals obey in UTF-8
    [InlineData('\u009d', @"\u009d")] // C1 OSC
    [InlineData('\u202e', @"\u202e")] // right-to-left override
    [InlineData('\u007f', @"\x7f")]
    [InlineData('\u0001', @"\x01")]
    [InlineData('\0', @"\0")]
    public void Every_other_control_character_is_escaped(char control, string shown) =>
        Assert.Equal("a" + shown + "b", TerminalText.Escape($"a{control}b"));

    [Theory]
    [InlineData("plain text, ünïcödé, emoji 🙂 and a path /tmp/x y")]
    [InlineData("")]
    public void Printable_text_passes_unchanged(string text) => Assert.Same(text, TerminalText.Escape(text));

    [Fact]
    public void The_markdown_report_escapes_what_it_read_from_the_traces()
    {
        var report = new RunReport(
            "runs", 1, 0, [], new Dictionary<string, int> { ["rejected" + Repaint] = 1 }, null,
            new BuildAttemptsLeader("id" + Clipboard, 1, "rejected"), ["{\"stage\": \"\u001b[31mred\"}"]);

        var markdown = MarkdownReportRenderer.Render(report);

        Assert.DoesNotContain(markdown, TerminalText.IsUnsafe);
        Assert.Contains(@"| rejectedrejected\r\e[2K\e[1Aoutcome: approved | 1 |", markdown);
        Assert.Contains(@"Most BUILD attempts: id\e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\a with 1", markdown);
        Assert.Contains(@"unreadable trace line: {""stage"": ""\e[31mred""}", markdown);
    }
}
