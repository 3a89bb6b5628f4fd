using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Build;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

/// <summary>The file excerpts quoted in BUILD's prompt are read through the confined reader: a cited link out of the worktree quotes nothing from the host.</summary>
public sealed class PromptExcerptTests
{
    private const string Edits = "{\"edits\": [{\"path\": \"app/health.py\", \"content\": \"STATUS = 'ok'\\n\"}]}";

    [Fact]
    public async Task A_cited_link_to_the_process_environment_or_a_host_file_is_not_quoted_in_the_build_prompt()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(Edits));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", "X = 1\n"));
        File.CreateSymbolicLink(Path.Combine(workspace.RootPath, "app", "environ"), "/proc/self/environ");
        File.CreateSymbolicLink(Path.Combine(workspace.RootPath, "app", "passwd"), "../../../../../../../../../../etc/passwd");
        var brief = new ScoutBrief(["app/environ", "app/passwd", "app/main.py"], [], []);

        var result = await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse())
            .ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, brief, workspace), CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var prompt = Assert.Single(server.ChatRequests).AllText;
        Assert.Contains("FILE app/environ: cannot be read", prompt);
        Assert.Contains("FILE app/passwd: cannot be read", prompt);
        Assert.Contains("X = 1", prompt);
        Assert.DoesNotContain("PATH=", prompt);
        Assert.DoesNotContain("root:", prompt);
    }
}
