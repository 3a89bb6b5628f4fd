using System.Text.Json;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Scout;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

public class ScoutStageTests
{
    private const string ScoutModel = "qwen2.5:3b";
    private const string MainPy = "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/\")\ndef root() -> dict[str, str]:\n    return {\"service\": \"targetapp\"}\n";

    private static TempFolderWorkspace TargetApp() => new(("app/__init__.py", ""), ("app/main.py", MainPy), ("tests/test_main.py", "def test_root() -> None: ...\n"));

    [Fact]
    public async Task Scout_reads_with_its_tools_and_returns_a_brief_that_cites_real_files()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(ScoutModel,
            FakeReply.Tools(("read_file", "{\"path\": \"app/main.py\"}"), ("grep", "{\"pattern\": \"@app\\\\.get\"}")),
            FakeReply.Text("{\"files\": [\"app/main.py\"], \"conventions\": [\"routes return dict[str, str]\"], \"prior_art\": [\"root() in app/main.py\"]}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = TargetApp();
        var context = StageTestKit.Context(StageName.Scout, StageTestKit.HealthSpec, workspace: workspace);

        var result = await new ScoutStage(factory.Create(StageName.Scout)).ExecuteAsync(context, CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var brief = Assert.IsType<ScoutBrief>(result.Output);
        Assert.Equal(["app/main.py"], brief.Files);
        Assert.Equal(2, context.Usage.Extras["tool_calls"]);
        var first = server.ChatRequests[0];
        Assert.True(first.HasTools);
        Assert.Equal(0.2, first.Temperature!.Value, precision: 3);
        Assert.Contains("- app/main.py", first.AllText);
        var second = server.ChatRequests[1];

        // OllamaSharp sends each tool result as {"CallId", "Result"} in a "tool" message.
        var results = second.Messages.Where(m => m.Role == "tool")
            .Select(m => JsonDocument.Parse(m.Content).RootElement.GetProperty("Result").GetString())
            .ToList();
        Assert.Equal(MainPy, results[0]);
        Assert.Equal("app/main.py:4: @app.get(\"/\")", results[1]);
    }

    [Fact]
    public async Task A_brief_citing_a_file_in_a_missing_folder_fails_and_the_retry_sees_why()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(ScoutModel,
            FakeReply.Text("{\"files\": [\"src/routes/health.py\"], \"conventions\": [], \"prior_art\": []}"),
            FakeReply.Text("{\"files\": [\"app/health.py\", \"app/main.py\"], \"conventions\": [], \"prior_art\": []}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = TargetApp();
        var stage = new ScoutStage(factory.Create(StageName.Scout));

        var first = await stage.ExecuteAsync(StageTestKit.Context(StageName.Scout, StageTestKit.HealthSpec, workspace: workspace), CancellationToken.None);
        var second = await stage.ExecuteAsync(
            StageTestKit.Context(StageName.Scout, StageTestKit.HealthSpec, workspace: workspace, feedback: first.Detail, feedbackFrom: StageName.Scout, attempt: 2),
            CancellationToken.None);

        Assert.False(first.Ok);
        Assert.Contains("src/routes/health.py (neither an existing file nor a new file in an existing folder)", first.Detail);
        Assert.Contains(first.Detail, server.ChatRequests[1].AllText);
        Assert.True(second.Ok, second.Detail);
    }

    [Theory]
    [InlineData(".git/config", "git's own data")]
    [InlineData("../outside.txt", "'..'")]
    [InlineData("/etc/passwd", "not a relative path")]
    [InlineData("app/../../x", "'..'")]
    public async Task The_tools_refuse_git_and_anything_outside_the_worktree(string path, string expected)
    {
        await using var workspace = TargetApp();
        Directory.CreateDirectory(Path.Combine(workspace.RootPath, ".git"));
        File.WriteAllText(Path.Combine(workspace.RootPath, ".git", "config"), "[core]");
        var tools = new ScoutTools(new WorktreeFiles(workspace), new ScoutToolOptions());

        Assert.Contains(expected, await tools.ReadFile(path));
        Assert.StartsWith("error:", await tools.ListFiles(path));
        Assert.StartsWith("error:", await tools.Grep("core", path));
    }

    [Fact]
    public async Task The_tools_hide_git_from_listings_and_searches_and_cap_reads()
    {
        await using var workspace = TargetApp();
        Directory.CreateDirectory(Path.Combine(workspace.RootPath, ".git"));
        File.WriteAllText(Path.Combine(workspace.RootPath, ".git", "HEAD"), "ref: refs/heads/main FastAPI");
        File.WriteAllText(Path.Combine(workspace.RootPath, "big.txt"), new string('x', 5000));
        var tools = new ScoutTools(new WorktreeFiles(workspace), new ScoutToolOptions { MaxReadChars = 100 });

        Assert.DoesNotContain(".git", await tools.ListFiles("."));
        Assert.DoesNotContain(".git", await tools.Grep("FastAPI"));
        Assert.Contains("app/main.py:1:", await tools.Grep("FastAPI"));
        Assert.EndsWith("(cut at 100 of 5000 characters; read_file with start_line reads further)", await tools.ReadFile("big.txt"));
    }

    [Fact]
    public async Task A_link_that_leads_out_of_the_worktree_is_refused()
    {
        await using var workspace = TargetApp();
        var outside = Path.Combine(Path.GetTempPath(), "factory-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret");
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(workspace.RootPath, "escape"), outside);
            var tools = new ScoutTools(new WorktreeFiles(workspace), new ScoutToolOptions());

            Assert.Contains("leads outside the worktree", await tools.ReadFile("escape/secret.txt"));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
