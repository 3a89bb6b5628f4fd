using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

/// <summary>
/// Every request keeps exactly one outcome when git fails while its workspace is settled: <c>run</c> and <c>batch</c>
/// end "failed" with git's own message and a non-zero exit code, the batch's journal has the finished line, and no
/// worktree, branch or lock is left. git is made to fail by a wrapper first on PATH that refuses the commands that
/// write the result (<c>add</c>, <c>commit</c>, <c>commit-tree</c>), as a repository whose attributes break every
/// <c>git add</c> once did.
/// </summary>
[Collection(RunnerGroup.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GitFailureTests(RunnerProcess runner) : IDisposable
{
    private const string GitsMessage = "fatal: unable to write new index file (injected)";
    private readonly TempDirectory _bin = new("factory-git-wrapper");

    public void Dispose() => _bin.Dispose();

    [Fact]
    public async Task Run_ends_failed_with_gits_message_and_exit_code_1_and_leaves_nothing_behind()
    {
        using var repo = SampleRepo.Create();
        var before = repo.Snapshot();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await RunnerTestKit.RunHealthAsync(runner, Environment(repo), repo, ollama);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("outcome: failed", result.Output);
        Assert.Contains(GitsMessage, result.Output);
        AssertNothingLeft(repo, before);
    }

    [Fact]
    public async Task Batch_exits_non_zero_with_a_finished_journal_line_and_leaves_nothing_behind()
    {
        using var repo = SampleRepo.Create();
        var before = repo.Snapshot();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        var backlog = Path.Combine(repo.RunsPath, "..", "backlog.txt");
        await File.WriteAllLinesAsync(backlog, ["{\"id\": \"ping\", \"request\": \"add a GET /ping endpoint returning status ok\"}"]);

        var result = await runner.RunAsync(Environment(repo),
            "batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        var finished = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(repo.RunsPath, "journal.jsonl")),
            l => l.Contains("\"finished\"", StringComparison.Ordinal));
        Assert.Contains("\"outcome\":\"failed_in_stage\"", finished);
        Assert.Contains("unable to write new index file", finished);
        Assert.Contains("1 failed_in_stage", result.Output, StringComparison.Ordinal);
        AssertNothingLeft(repo, before);
    }

    private Dictionary<string, string> Environment(SampleRepo repo)
    {
        var realGit = FindOnPath("git");
        var wrapper = Path.Combine(_bin.Path, "git");
        File.WriteAllText(wrapper, $$"""
            #!/bin/sh
            # The first argument that is not an option (or an option's value) is git's command.
            skip=0
            for argument in "$@"; do
              if [ "$skip" = 1 ]; then skip=0; continue; fi
              case "$argument" in
                -c|-C) skip=1 ;;
                -*) ;;
                *) command="$argument"; break ;;
              esac
            done
            case "$command" in
              add|commit|commit-tree) echo "{{GitsMessage}}" >&2; exit 128 ;;
            esac
            exec {{realGit}} "$@"
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(wrapper, (UnixFileMode)0b111_101_101);
        var environment = RunnerTestKit.Environment(repo);
        environment["PATH"] = _bin.Path + ":" + System.Environment.GetEnvironmentVariable("PATH");
        return environment;
    }

    private static void AssertNothingLeft(SampleRepo repo, string before)
    {
        Assert.Empty(RunnerTestKit.FactoryBranches(repo));
        Assert.Empty(RunnerTestKit.ExtraWorktrees(repo));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(repo.StatePath, "worktrees")));
        Assert.Empty(Directory.GetFiles(Path.Combine(repo.StatePath, "locks")));
        Assert.Equal(before, repo.Snapshot());
    }

    private static string FindOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(folder => Path.Combine(folder, name))
            .First(File.Exists);
}
