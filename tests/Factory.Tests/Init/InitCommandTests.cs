using Factory.Dataflow.Gates;
using Factory.Tests.Runner;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Init;

/// <summary><c>factory init</c> and <c>factory run</c> without a hand-written configuration, through the real command.</summary>
[Collection(RunnerGroup.Name)]
public sealed class InitCommandTests(RunnerProcess runner)
{
    [Theory]
    [MemberData(nameof(LibraryProject.Layouts), MemberType = typeof(LibraryProject))]
    public async Task Init_writes_a_configuration_that_lets_an_approved_run_through_in_any_layout(string layout)
    {
        var project = LibraryProject.Named(layout);
        using var repo = project.CreateRepository();
        var environment = FreshBaselines(repo);

        var init = await runner.RunAsync(environment, "init", "--repo", repo.CheckoutPath);

        Assert.True(init.ExitCode == 0, init.ToString());
        var written = File.ReadAllText(Path.Combine(repo.CheckoutPath, GateConfig.RelativePath));
        var config = GateConfig.Parse(written);
        Assert.Equal(project.Module[..project.Module.LastIndexOf('/')], config.SourcePackage);
        Assert.Equal([project.TestFolder], config.EffectiveTestFolders);
        Assert.Contains("// The base commit's results", written);
        Assert.Contains("tests: 1 (1 passed, 0 failed, 0 skipped)", written);
        Assert.Contains("git -C " + repo.CheckoutPath + " add .factory/gates.json", init.Output);
        Assert.Equal("?? .factory/gates.json", repo.Git("status", "--porcelain", "--untracked-files=all").Trim());

        repo.Git("add", GateConfig.RelativePath);
        repo.Git("commit", "--quiet", "-m", "Factory gate configuration");
        await using var ollama = await FakeOllamaServer.StartAsync();
        LibraryReplies.Install(ollama, project);
        var run = await runner.RunAsync(environment,
            "run", LibraryReplies.Request, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString(), "--id", "discount");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"gates: {GateConfig.RelativePath} of the base commit", run.Output);
        Assert.Contains("outcome: approved", run.Output);
        Assert.Contains("def test_discount", repo.Git("show", "factory/discount:" + project.NewTest));
    }

    [Fact]
    public async Task A_run_without_a_configuration_says_what_it_detected_and_is_approved()
    {
        var project = LibraryProject.SrcWithTestsPytestIni;
        using var repo = project.CreateRepository();
        await using var ollama = await FakeOllamaServer.StartAsync();
        LibraryReplies.Install(ollama, project);

        var run = await runner.RunAsync(FreshBaselines(repo),
            "run", LibraryReplies.Request, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString(), "--id", "discount");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(
            "gates: no .factory/gates.json committed; detected sourcePackage src/shop, tests in tests/, typeCheck 'mypy src/shop', " +
            "test 'pytest -o pythonpath=../src -o addopts=-q'",
            run.Output);
        Assert.Contains("run 'factory init' to write this down", run.Output);
        Assert.Contains("outcome: approved", run.Output);
        Assert.False(File.Exists(Path.Combine(repo.CheckoutPath, GateConfig.RelativePath)));
    }

    [Fact]
    public async Task Init_refuses_to_replace_an_existing_configuration_without_force_and_replaces_it_whole_with_force()
    {
        using var repo = LibraryProject.PackageAtRoot.CreateRepository();
        var path = Path.Combine(repo.CheckoutPath, GateConfig.RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{ \"sourcePackage\": \"shop\" } // mine");

        var init = await runner.RunAsync(RunnerTestKit.Environment(repo), "init", "--repo", repo.CheckoutPath);
        var mine = File.ReadAllText(path);
        var forced = await runner.RunAsync(FreshBaselines(repo), "init", "--repo", repo.CheckoutPath, "--force");

        Assert.True(init.ExitCode == 2, init.ToString());
        Assert.Contains("already exists", init.Error);
        Assert.Contains("--force", init.Error);
        Assert.Equal("{ \"sourcePackage\": \"shop\" } // mine", mine);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.StartsWith("// Factory's gate configuration, written by 'factory init'", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal("shop", GateConfig.Parse(File.ReadAllText(path)).SourcePackage);
        Assert.Equal([GateConfig.RelativePath.Split('/')[1]], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Init_explains_a_folder_that_is_not_a_git_repository_has_no_commit_or_holds_no_python_project()
    {
        using var scratch = new TempDirectory("factory-init");
        var plain = Directory.CreateDirectory(Path.Combine(scratch.Path, "plain")).FullName;
        var empty = Directory.CreateDirectory(Path.Combine(scratch.Path, "empty")).FullName;
        SampleRepo.RunGit(empty, "init", "--quiet");
        using var notPython = LibraryProject.PackageAtRoot.CreateRepository();
        notPython.Git("rm", "-rq", ".");
        File.WriteAllText(Path.Combine(notPython.CheckoutPath, "README.md"), "# notes\n");
        notPython.Git("add", "--all");
        notPython.Git("commit", "--quiet", "-m", "no code");

        var missing = await runner.RunAsync(null, "init", "--repo", Path.Combine(scratch.Path, "missing"));
        var notGit = await runner.RunAsync(null, "init", "--repo", plain);
        var noCommit = await runner.RunAsync(null, "init", "--repo", empty);
        var noProject = await runner.RunAsync(RunnerTestKit.Environment(notPython), "init", "--repo", notPython.CheckoutPath);

        Assert.All(new[] { missing, notGit, noCommit, noProject }, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Contains("the folder does not exist", missing.Error);
        Assert.Contains("is not a git repository", notGit.Error);
        Assert.Contains("has no commit yet", noCommit.Error);
        Assert.Contains("No Python project found", noProject.Error);
        Assert.Contains("no Python package or module found at the root or under src/", noProject.Error);
        Assert.False(Directory.Exists(Path.Combine(notPython.CheckoutPath, ".factory")));
    }

    [Fact]
    public async Task A_run_refuses_an_uncommitted_configuration_and_says_how_to_commit_it_before_any_model_call()
    {
        using var repo = SampleRepo.Create();
        var path = Path.Combine(repo.CheckoutPath, GateConfig.RelativePath);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"coverageFloor\": 80", "\"coverageFloor\": 90", StringComparison.Ordinal));
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var changed = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);
        repo.Git("rm", "--quiet", "--cached", GateConfig.RelativePath);
        repo.Git("commit", "--quiet", "-m", "configuration no longer tracked");
        var untracked = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);

        Assert.True(changed.ExitCode == 2, changed.ToString());
        Assert.Contains(".factory/gates.json has changes that are not committed", changed.Error);
        Assert.Contains("git add .factory/gates.json && git commit", changed.Error);
        Assert.True(untracked.ExitCode == 2, untracked.ToString());
        Assert.Contains(".factory/gates.json is not committed (untracked)", untracked.Error);
        Assert.Empty(ollama.ChatRequests);
        Assert.Empty(RunnerTestKit.FactoryBranches(repo));
    }

    /// <summary>The runner's environment with a baseline cache of the test's own, so every base run is computed here.</summary>
    private static Dictionary<string, string> FreshBaselines(SampleRepo repo) =>
        new(RunnerTestKit.Environment(repo)) { ["Factory__Gates__BaselineDirectory"] = Path.Combine(repo.StatePath, "baseline") };
}
