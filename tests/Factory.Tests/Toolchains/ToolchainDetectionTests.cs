using System.Text.Json;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Stages.TestWriter;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;
using Factory.Tests.Stages;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Toolchains;

/// <summary>
/// Detection is a toolchain role: with no committed configuration the toolchain that recognises the repository
/// proposes it, and SCOUT and TEST quote what the worktree's toolchain found, not what a Python detector would.
/// </summary>
public sealed class ToolchainDetectionTests
{
    [Fact(Timeout = 60_000)]
    public async Task Without_a_configuration_the_registered_toolchain_that_recognises_the_repository_proposes_it()
    {
        await using var notesProject = new TempFolderWorkspace(("notes.toml", "strict = true\n"), ("plan.txt", "call()\n"), ("tool.py", ""));
        await using var pythonProject = new TempFolderWorkspace(("app/__init__.py", ""), ("plan.txt", "call()\n"));

        var notes = await GateConfigResolver.ResolveAsync(notesProject.RootPath, NotesToolchain.WithPython(), CancellationToken.None);
        var python = await GateConfigResolver.ResolveAsync(pythonProject.RootPath, NotesToolchain.WithPython(), CancellationToken.None);
        var builtIn = await GateConfigResolver.ResolveAsync(notesProject.RootPath, ToolchainRegistry.Default, CancellationToken.None);

        Assert.Equal("notes", notes.Config.Toolchain);
        Assert.Equal(["checks"], notes.Config.EffectiveTestFolders);
        Assert.Equal(["toolchain notes: notes.toml at the root"], notes.Proposal!.Choices);
        Assert.Equal("python", python.Config.Toolchain);
        Assert.Equal("python", builtIn.Config.Toolchain);
    }

    [Fact(Timeout = 60_000)]
    public async Task SCOUT_shows_and_keeps_what_the_worktrees_toolchain_detected_and_hides_only_its_ignored_folders()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.ReviewModel, FakeReply.Text(JsonSerializer.Serialize(new { files = new[] { "plan.txt" }, framework = "FastAPI" })));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(
            (GateConfig.RelativePath, NotesToolchain.Config), ("plan.txt", "call()\n"), (".drafts/plan.txt", "draft\n"), ("__pycache__/plan.txt", "kept\n"));
        var context = StageTestKit.Context(StageName.Scout, StageTestKit.HealthSpec, workspace: workspace);

        var result = await new ScoutStage(factory.Create(StageName.Scout), toolchains: NotesToolchain.WithPython()).ExecuteAsync(context, CancellationToken.None);

        var brief = Assert.IsType<ScoutBrief>(result.Output);
        Assert.Equal(NotesToolchain.DetectedFramework, brief.Framework);
        Assert.Contains("notes checks are *_check.txt files in checks/", brief.TestConventions);
        var opening = Assert.Single(server.ChatRequests).Messages[1].Content;
        Assert.Contains($"- a notes project read by {NotesToolchain.DetectedFramework}", opening, StringComparison.Ordinal);
        Assert.DoesNotContain("pytest", opening, StringComparison.Ordinal);
        Assert.DoesNotContain(".drafts/plan.txt", opening, StringComparison.Ordinal);
        Assert.Contains("__pycache__/plan.txt", opening, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task TEST_is_told_the_fixtures_and_conventions_the_worktrees_toolchain_detected()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{\"path\": \"checks/plan_check.txt\", \"content\": \"plan works\\n\"}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace((GateConfig.RelativePath, NotesToolchain.Config), ("plan.txt", "call()\n"), ("checks/README", "x\n"));

        var tests = await new ModelTestWriter(factory.Create(StageName.Test), toolchains: NotesToolchain.WithPython()).WriteTestsAsync(
            StageTestKit.Context(StageName.Test, StageTestKit.HealthSpec, workspace: workspace), [new FileEdit("plan.txt", "call()\n")], CancellationToken.None);

        Assert.Equal("checks/plan_check.txt", Assert.Single(tests).Path);
        var user = Assert.Single(server.ChatRequests).Messages[1].Content;
        Assert.Contains("FIXTURES FROM fixtures.txt (name one as a test function parameter to use it):\n- shelf (fixtures.txt:1): the notes shelf", user, StringComparison.Ordinal);
        Assert.Contains("TEST CONVENTIONS:\n- notes checks are *_check.txt files in checks/", user, StringComparison.Ordinal);
        Assert.DoesNotContain("conftest", user, StringComparison.Ordinal);
    }
}
