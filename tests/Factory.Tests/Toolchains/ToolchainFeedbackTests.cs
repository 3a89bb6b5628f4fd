using System.Text;
using System.Text.Json;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Stages.Build;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;
using Factory.Tests.Stages;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Toolchains;

/// <summary>
/// BUILD's views of a long file and of gate output are the toolchain's: the outline of a large notes file is its
/// headings, the notes checker's progress lines are dropped, and its "at line N of PATH" points BUILD at that line.
/// </summary>
public sealed class ToolchainFeedbackTests
{
    private const int Notes = 600;

    private static string Book()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Notes; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"## note {i:D4}\nthe text of note {i:D4}, kept short and plain.\n");
        }

        return text.ToString();
    }

    [Fact(Timeout = 60_000)]
    public async Task BUILD_outlines_a_large_notes_file_and_reads_the_notes_checkers_output_through_the_toolchain()
    {
        var registry = NotesToolchain.WithPython();
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(JsonSerializer.Serialize(new
        {
            edits = new[] { new { path = "book.txt", search = "the text of note 0100, kept short and plain.\n", replace = "note one hundred.\n" } },
        })));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace((GateConfig.RelativePath, NotesToolchain.Config), ("book.txt", Book()));
        var brief = new ScoutBrief(["book.txt"], [], []) { Regions = [new FileRegion("book.txt", 199, 200)] };
        const string Feedback = "--- notecheck (exit 1) ---\nnotecheck: progress 50%\nat line 901 of book.txt\nNotesError: note 0451 is unfinished";
        var context = StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, brief, workspace, Feedback, StageName.Validate, attempt: 2);

        var result = await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse(), toolchains: registry)
            .ExecuteAsync(context, CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var prompt = Assert.Single(server.ChatRequests).AllText;
        Assert.Contains("OUTLINE OF book.txt", prompt, StringComparison.Ordinal);
        Assert.Contains(" 301| ## note 0151\n", prompt, StringComparison.Ordinal);
        Assert.Contains("LINES 898-904 OF book.txt:", prompt, StringComparison.Ordinal);
        Assert.Contains("NotesError: note 0451 is unfinished", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("notecheck: progress", prompt, StringComparison.Ordinal);
    }
}
