using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Stages.Build;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;
using Factory.Dataflow.Workspace;
using Factory.Tests.Gates;
using Factory.Tests.Stages;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Toolchains;

/// <summary>
/// A second language is a registration: a repository whose gate configuration names the test-only "notes" toolchain
/// gets that toolchain's syntax check, source files, prompt words, test names and protected files from the core,
/// with no change to the core.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ToolchainSeamTests
{
    private const string UnclosedEdit = "{\"edits\": [{\"path\": \"plan.txt\", \"content\": \"call(\\n\"}]}";
    private static readonly ScoutBrief Brief = new(["plan.txt"], [], []);

    [Fact(Timeout = 60_000)]
    public async Task BUILD_checks_the_registered_toolchains_sources_with_its_parser_and_names_its_language()
    {
        var (result, notes, system) = await BuildUnclosedEditAsync((GateConfig.RelativePath, NotesToolchain.Config), ("plan.txt", "call()\n"));

        Assert.False(result.Ok);
        Assert.Equal("plan.txt: NotesError: '(' was never closed", result.Detail);
        Assert.Equal(["plan.txt"], Assert.Single(notes.Checked));
        Assert.Contains("in an existing Notes codebase", system);
        Assert.DoesNotContain("Python", system);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_edit_in_a_python_repository_is_not_a_source_file_and_is_not_parsed()
    {
        var (result, notes, system) = await BuildUnclosedEditAsync(("plan.txt", "call()\n"), ("app/__init__.py", ""));

        Assert.True(result.Ok, result.Detail);
        Assert.Empty(notes.Checked);
        Assert.Contains("in an existing Python codebase", system);
    }

    [Fact(Timeout = 60_000)]
    public async Task VALIDATE_TEST_and_the_baseline_are_the_gates_of_the_toolchain_the_repository_names()
    {
        var notes = new NotesToolchain();
        var registry = new ToolchainRegistryBuilder().AddPythonToolchain().AddToolchain(notes).Build();
        using var state = new TempDirectory();
        var gates = new ToolchainGateSet(
            registry, new FixedTestWriter([]), new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = state.Path });
        await using var workspace = new TempFolderWorkspace((GateConfig.RelativePath, NotesToolchain.Config), ("plan.txt", "call()\n"));

        await gates.Baseline().PrepareAsync(new FeatureRequest("req-1", "x"), workspace, CancellationToken.None);
        var validate = await gates.Stage(g => g.Validate).ExecuteAsync(StageTestKit.Context(StageName.Validate, workspace: workspace), CancellationToken.None);
        var test = await gates.Stage(g => g.Test).ExecuteAsync(StageTestKit.Context(StageName.Test, workspace: workspace), CancellationToken.None);

        Assert.Equal(["baseline", "validate", "test"], notes.GatesRun);
        Assert.Equal("notes validate: the notes checker is not installed here", validate.Detail);
        Assert.Equal("notes test: the notes checker is not installed here", test.Detail);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_jail_takes_test_names_and_protected_files_from_the_repositorys_toolchain()
    {
        using var repo = SampleRepo.Create();
        Directory.CreateDirectory(Path.Combine(repo.CheckoutPath, ".factory"));
        Directory.CreateDirectory(Path.Combine(repo.CheckoutPath, "checks"));
        File.WriteAllText(Path.Combine(repo.CheckoutPath, GateConfig.RelativePath), NotesToolchain.Config);
        File.WriteAllText(Path.Combine(repo.CheckoutPath, "checks", "README"), "checks live here\n");
        repo.Git("add", "--all");
        repo.Git("commit", "--quiet", "-m", "a notes repository");
        var registry = NotesToolchain.WithPython();
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath })
        {
            Toolchains = registry,
        };
        await using var workspace = await provider.CreateAsync(new FeatureRequest("notes", "x"), null, CancellationToken.None);

        var notesTest = await workspace.WriteAsync([new FileEdit("checks/login_check.txt", "login works\n")], WriterRole.Test, CancellationToken.None);
        var pythonTest = await workspace.WriteAsync([new FileEdit("checks/test_login.py", "def test_login() -> None: ...\n")], WriterRole.Test, CancellationToken.None);
        var notesSettings = await workspace.WriteAsync([new FileEdit("docs/notes.toml", "strict = false\n")], WriterRole.Build, CancellationToken.None);
        var pythonHook = await workspace.WriteAsync([new FileEdit("docs/sitecustomize.py", "import os\n")], WriterRole.Build, CancellationToken.None);

        Assert.True(notesTest.Accepted, notesTest.Rejection);
        Assert.False(pythonTest.Accepted);
        Assert.Contains("is not a test file name (*_check.txt)", pythonTest.Rejection);
        Assert.False(notesSettings.Accepted);
        Assert.Contains("notes.toml configures the notes checker", notesSettings.Rejection);
        Assert.True(pythonHook.Accepted, pythonHook.Rejection);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_workspace_whose_configuration_names_an_unregistered_toolchain_is_not_created()
    {
        using var repo = SampleRepo.Create();
        Directory.CreateDirectory(Path.Combine(repo.CheckoutPath, ".factory"));
        File.WriteAllText(Path.Combine(repo.CheckoutPath, GateConfig.RelativePath), NotesToolchain.Config);
        repo.Git("add", "--all");
        repo.Git("commit", "--quiet", "-m", "a notes repository");
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath });

        var error = await Assert.ThrowsAsync<GateEnvironmentException>(
            () => provider.CreateAsync(new FeatureRequest("notes", "x"), null, CancellationToken.None).AsTask());

        Assert.Contains("toolchain \"notes\" is not registered; the registered toolchains are \"python\"", error.Message);
        Assert.Single(repo.Git("worktree", "list", "--porcelain").Split('\n'), line => line.StartsWith("worktree ", StringComparison.Ordinal));
        Assert.Equal("", repo.Git("branch", "--list", "factory/*").Trim());
    }

    /// <summary>BUILD, over python and notes registered together, answers with an edit that leaves plan.txt with an unclosed '('.</summary>
    private static async Task<(StageResult Result, NotesToolchain Notes, string SystemPrompt)> BuildUnclosedEditAsync(params (string Path, string Content)[] files)
    {
        var notes = new NotesToolchain();
        var registry = new ToolchainRegistryBuilder().AddPythonToolchain().AddToolchain(notes).Build();
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(UnclosedEdit));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(files);
        var checker = new ToolchainSyntaxChecker(registry, new SandboxedRunner(new SandboxOptions()), new GateOptions());

        var result = await new BuildStage(factory.Create(StageName.Build), checker, toolchains: registry)
            .ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace), CancellationToken.None);

        return (result, notes, Assert.Single(server.ChatRequests).Messages[0].Content);
    }
}
