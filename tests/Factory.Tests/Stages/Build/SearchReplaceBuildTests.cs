using System.Text.Json;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Build;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages.Build;

public class SearchReplaceBuildTests
{
    private static readonly ScoutBrief Brief = new([LargeModule.Path], ["functions are typed"], ["code_0600"])
    {
        Regions = [new FileRegion(LargeModule.Path, LargeModule.LineOf(600), LargeModule.LineOf(600) + 1)],
    };

    private static string Reply(params object[] edits) => JsonSerializer.Serialize(new { edits });

    private static object Edit(string search, string replace) => new { path = LargeModule.Path, search, replace };

    private static async Task<(StageResult Result, StageContext Context)> BuildOnceAsync(
        FakeOllamaServer server, TempFolderWorkspace workspace, string? feedback = null, int attempt = 1)
    {
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(
            StageName.Build, StageTestKit.HealthSpec, Brief, workspace, feedback, feedback is null ? null : StageName.Validate, attempt: attempt);
        var result = await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse()).ExecuteAsync(context, CancellationToken.None);
        return (result, context);
    }

    [Fact]
    public async Task A_50_KB_module_is_shown_as_the_cited_region_with_line_numbers_and_changed_by_a_search_replace_edit()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(Reply(Edit("def code_0600() -> str:\n    return \"0600\"\n", "def code_0600() -> str:\n    return \"six hundred\"\n"))));
        await using var workspace = new TempFolderWorkspace((LargeModule.Path, LargeModule.Content()));

        var (result, context) = await BuildOnceAsync(server, workspace);

        Assert.True(result.Ok, result.Detail);
        var prompt = Assert.Single(server.ChatRequests).AllText;
        Assert.DoesNotContain("too long to quote", prompt, StringComparison.Ordinal);
        Assert.Contains($"LINES {LargeModule.LineOf(600) - 3}-{LargeModule.LineOf(600) + 4} OF app/main.py:", prompt, StringComparison.Ordinal);
        Assert.Contains($"{LargeModule.LineOf(600)}| def code_0600() -> str:", prompt, StringComparison.Ordinal);
        Assert.Contains("OUTLINE OF app/main.py", prompt, StringComparison.Ordinal);
        var written = File.ReadAllText(Path.Combine(workspace.RootPath, LargeModule.Path));
        Assert.Equal(LargeModule.Content().Replace("return \"0600\"", "return \"six hundred\"", StringComparison.Ordinal), written);
        Assert.Equal(1, context.Usage.Extras["search_replace_edits"]);
        Assert.True((long)context.Usage.Extras["prompt_bytes"]! < LargeModule.Content().Length / 2, "the prompt should not carry the whole module");
    }

    [Fact]
    public async Task Replacing_the_large_module_whole_is_refused_and_the_feedback_says_to_use_search_replace()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(JsonSerializer.Serialize(new { edits = new[] { new { path = LargeModule.Path, content = LargeModule.Head } } })));
        await using var workspace = new TempFolderWorkspace((LargeModule.Path, LargeModule.Content()));

        var (result, _) = await BuildOnceAsync(server, workspace);

        Assert.False(result.Ok);
        Assert.Contains("app/main.py: replacing this existing file whole is refused", result.Detail, StringComparison.Ordinal);
        Assert.Contains("search/replace", result.Detail, StringComparison.Ordinal);
        Assert.Empty(workspace.Writes);
    }

    [Fact]
    public async Task A_passage_that_matches_more_than_once_fails_the_attempt_and_the_feedback_names_the_file_and_the_places()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(Reply(Edit("-> str:\n", "-> int:\n"))));
        await using var workspace = new TempFolderWorkspace((LargeModule.Path, LargeModule.Content()));

        var (result, _) = await BuildOnceAsync(server, workspace);

        Assert.False(result.Ok);
        Assert.StartsWith("BUILD's edits could not be applied, so nothing was written:", result.Detail, StringComparison.Ordinal);
        Assert.True(result.Detail.Contains("app/main.py: the \"search\" passage matches 1150 places", StringComparison.Ordinal), result.Detail);
        Assert.Empty(workspace.Writes);
    }

    [Fact]
    public async Task A_passage_that_matches_nothing_fails_and_the_feedback_shows_the_closest_passage_with_line_numbers()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(Reply(Edit("def code_0600() -> str:\n    return '0600'\n", "def code_0600() -> str:\n    return '600'\n"))));
        await using var workspace = new TempFolderWorkspace((LargeModule.Path, LargeModule.Content()));

        var (result, _) = await BuildOnceAsync(server, workspace);

        Assert.False(result.Ok);
        var line = LargeModule.LineOf(600);
        Assert.Contains($"app/main.py: the \"search\" passage matches nothing in the file", result.Detail, StringComparison.Ordinal);
        Assert.True(result.Detail.Contains($"The closest passage is lines {line}-{line + 1}:\n{line}| def code_0600() -> str:\n{line + 1}|     return \"0600\"\n", StringComparison.Ordinal), result.Detail);
    }

    [Fact]
    public async Task A_retry_shows_the_changed_region_as_it_is_now_and_is_smaller_than_resending_the_changed_file_whole()
    {
        var line = LargeModule.LineOf(600);
        var changed = LargeModule.Content().Replace("    return \"0600\"\n", "    return 600\n", StringComparison.Ordinal);
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(Reply(Edit("    return 600\n", "    return \"600\"\n"))));
        await using var workspace = new TempFolderWorkspace((LargeModule.Path, changed))
        {
            Diff = $"diff --git a/app/main.py b/app/main.py\n--- a/app/main.py\n+++ b/app/main.py\n@@ -{line - 2},7 +{line - 2},7 @@\n",
        };
        var mypy = $"--- ruff check . (exit 0) ---\nAll checks passed!\n--- mypy app (exit 1) ---\napp/main.py:{line + 1}: error: Incompatible return value type (got \"int\", expected \"str\")  [return-value]\nFound 1 error in 1 file (checked 2 source files)\n";

        var (result, context) = await BuildOnceAsync(server, workspace, mypy, attempt: 2);

        Assert.True(result.Ok, result.Detail);
        var prompt = Assert.Single(server.ChatRequests).AllText;
        Assert.Contains("WHAT THIS REQUEST HAS CHANGED SO FAR", prompt, StringComparison.Ordinal);
        Assert.Contains($"{line + 1}|     return 600", prompt, StringComparison.Ordinal);
        Assert.Contains($"app/main.py:{line + 1}: error: Incompatible return value type", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("All checks passed!", prompt, StringComparison.Ordinal);
        Assert.Contains("--- ruff check . passed ---", prompt, StringComparison.Ordinal);
        var promptBytes = (long)context.Usage.Extras["prompt_bytes"]!;
        Assert.True(promptBytes < changed.Length, $"the retry's prompt ({promptBytes} bytes) should be smaller than the changed file ({changed.Length})");
    }

    [Fact]
    public async Task Edits_that_change_nothing_fail_a_first_attempt_but_let_a_retry_keep_the_code()
    {
        const string unchanged = "{\"edits\": [{\"path\": \"app/main.py\", \"search\": \"def code_0001() -> str:\", \"replace\": \"def code_0001() -> str:\"}]}";
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(unchanged), FakeReply.Text(unchanged));
        await using var workspace = new TempFolderWorkspace((LargeModule.Path, LargeModule.Content()));

        var (first, _) = await BuildOnceAsync(server, workspace);
        var (retry, _) = await BuildOnceAsync(server, workspace, "FAILED tests/test_new.py::test_it - the generated test was wrong", attempt: 2);

        Assert.False(first.Ok);
        Assert.Contains("nothing was changed", first.Detail, StringComparison.Ordinal);
        Assert.True(retry.Ok, retry.Detail);
        Assert.Empty(workspace.Writes);
    }
}
