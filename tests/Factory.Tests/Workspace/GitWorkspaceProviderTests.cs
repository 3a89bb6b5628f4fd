using Factory.Dataflow;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

public sealed class GitWorkspaceProviderTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SampleRepo _repo = SampleRepo.Create();

    public void Dispose() => _repo.Dispose();

    private GitWorkspaceProvider Provider(bool keepFailed = false) => new(new GitWorkspaceOptions
    {
        RepositoryPath = _repo.CheckoutPath,
        StateDirectory = _repo.StatePath,
        KeepFailedWorkspaces = keepFailed,
    });

    private static FeatureRequest Request(string id) => new(id, "add a health endpoint");

    [Fact]
    public async Task A_workspace_is_a_worktree_on_a_new_factory_branch_outside_the_checkout()
    {
        var before = _repo.Snapshot();
        await using var workspace = await Provider().CreateAsync(Request("req-1"), null, None);

        Assert.Equal("factory/req-1", workspace.BranchName);
        Assert.False(workspace.RootPath.StartsWith(_repo.CheckoutPath, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(workspace.RootPath, "app", "main.py")));
        Assert.Equal("factory/req-1", SampleRepo.RunGit(workspace.RootPath, "rev-parse", "--abbrev-ref", "HEAD").Trim());
        Assert.Equal(_repo.Git("rev-parse", "HEAD"), SampleRepo.RunGit(workspace.RootPath, "rev-parse", "HEAD"));
        Assert.Equal(before, _repo.Snapshot());
    }

    [Fact]
    public async Task An_approved_change_is_one_commit_on_its_branch_and_the_worktree_is_removed()
    {
        var before = _repo.Snapshot();
        var baseCommit = _repo.Git("rev-parse", "HEAD").Trim();
        var workspace = await Provider().CreateAsync(Request("req-ok"), null, None);
        var report = await workspace.WriteAsync([new FileEdit("app/health.py", "STATUS = 'ok'\n")], WriterRole.Build, None);
        Assert.True(report.Accepted, report.Rejection);

        var settlement = await workspace.SettleAsync(true, "Add a health endpoint", None);
        await workspace.DisposeAsync();

        Assert.Equal("factory/req-ok", settlement.Branch);
        Assert.NotNull(settlement.Commit);
        Assert.Contains("+STATUS = 'ok'", settlement.Diff);
        Assert.Equal("1", _repo.Git("rev-list", "--count", $"{baseCommit}..factory/req-ok").Trim());
        Assert.Equal("Add a health endpoint", _repo.Git("log", "-1", "--format=%s", "factory/req-ok").Trim());
        Assert.Equal("app/health.py", _repo.Git("diff", "--name-only", baseCommit, "factory/req-ok").Trim());
        Assert.False(Directory.Exists(workspace.RootPath));
        Assert.Equal(before, _repo.Snapshot());
    }

    [Fact]
    public async Task A_rejected_change_is_kept_as_failed_diff_and_its_branch_and_worktree_are_removed()
    {
        var before = _repo.Snapshot();
        var runDirectory = Path.Combine(_repo.RunsPath, "req-bad");
        var workspace = await Provider().CreateAsync(Request("req-bad"), runDirectory, None);
        await workspace.WriteAsync([new FileEdit("app/main.py", "broken = True\n")], WriterRole.Build, None);

        var settlement = await workspace.SettleAsync(false, "", None);

        Assert.Null(settlement.Branch);
        Assert.Null(settlement.Commit);
        Assert.Contains("+broken = True", File.ReadAllText(Path.Combine(runDirectory, "failed.diff")));
        Assert.False(Directory.Exists(workspace.RootPath));
        Assert.Equal("", _repo.Git("branch", "--list", "factory/*").Trim());
        Assert.Equal(before, _repo.Snapshot());
    }

    [Fact]
    public async Task A_failed_workspace_can_be_kept_for_inspection_and_survives_the_next_start()
    {
        var workspace = await Provider(keepFailed: true).CreateAsync(Request("req-keep"), null, None);
        await workspace.WriteAsync([new FileEdit("app/extra.py", "x = 1\n")], WriterRole.Build, None);
        var settlement = await workspace.SettleAsync(false, "", None);
        await workspace.DisposeAsync();

        await Provider().StartAsync();

        Assert.Equal("factory/req-keep", settlement.Branch);
        Assert.True(File.Exists(Path.Combine(workspace.RootPath, "app", "extra.py")));
        Assert.Contains("factory/req-keep", _repo.Git("branch", "--list", "factory/*"));
    }

    [Fact]
    public async Task The_diff_includes_new_untracked_files_and_leaves_the_worktree_index_alone()
    {
        await using var workspace = await Provider().CreateAsync(Request("req-diff"), null, None);
        await workspace.WriteAsync(
            [new FileEdit("app/new_module.py", "VALUE = 42\n"), new FileEdit("app/main.py", "# changed\n")], WriterRole.Build, None);

        var diff = await workspace.GetDiffAsync(None);

        Assert.Contains("diff --git a/app/new_module.py b/app/new_module.py", diff);
        Assert.Contains("new file mode", diff);
        Assert.Contains("+VALUE = 42", diff);
        Assert.Contains("+# changed", diff);
        Assert.Contains("?? app/new_module.py", SampleRepo.RunGit(workspace.RootPath, "status", "--porcelain"));
    }

    [Fact]
    public async Task Many_requests_at_once_each_get_their_own_worktree_and_settle_cleanly()
    {
        var before = _repo.Snapshot();
        var provider = Provider();
        var settlements = await Task.WhenAll(Enumerable.Range(1, 8).Select(async i =>
        {
            await using var workspace = await provider.CreateAsync(Request($"par-{i}"), null, None);
            await workspace.WriteAsync([new FileEdit($"app/feature_{i}.py", $"N = {i}\n")], WriterRole.Build, None);
            return await workspace.SettleAsync(i % 2 == 0, $"Feature {i}", None);
        }));

        Assert.Equal(4, settlements.Count(s => s.Commit is not null));
        var branches = _repo.Git("branch", "--list", "factory/*", "--format=%(refname:short)")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(["factory/par-2", "factory/par-4", "factory/par-6", "factory/par-8"], branches);
        Assert.Single(_repo.Git("worktree", "list", "--porcelain").Split('\n'), l => l.StartsWith("worktree ", StringComparison.Ordinal));
        Assert.Equal(before, _repo.Snapshot());
    }

    [Fact]
    public async Task Start_up_cleans_what_a_killed_run_left_but_keeps_branches_holding_an_approved_commit()
    {
        // An approved result from an earlier run.
        var first = await Provider().CreateAsync(Request("approved"), null, None);
        await first.WriteAsync([new FileEdit("app/done.py", "DONE = True\n")], WriterRole.Build, None);
        await first.SettleAsync(true, "Approved change", None);

        // A run killed mid-request: a worktree with edits on its branch, nobody holding its lock.
        var worktrees = Path.Combine(_repo.StatePath, "worktrees");
        var orphan = Path.Combine(worktrees, "killed");
        _repo.Git("worktree", "add", "--quiet", "-b", "factory/killed", orphan, "HEAD");
        File.WriteAllText(Path.Combine(orphan, "app", "half.py"), "half = 1\n");
        Directory.CreateDirectory(Path.Combine(worktrees, "never-registered"));
        _repo.Git("branch", "factory/empty-leftover");
        var before = _repo.Snapshot();

        await Provider().StartAsync();

        Assert.False(Directory.Exists(orphan));
        Assert.False(Directory.Exists(Path.Combine(worktrees, "never-registered")));
        var branches = _repo.Git("branch", "--list", "factory/*", "--format=%(refname:short)").Trim();
        Assert.Equal("factory/approved", branches);
        Assert.Equal(before, _repo.Snapshot());
    }

    [Fact]
    public async Task A_workspace_that_fails_after_git_made_it_leaves_no_worktree_branch_or_lock_and_spares_an_existing_branch()
    {
        File.WriteAllText(Path.Combine(_repo.CheckoutPath, ".factory", "gates.json"), "{\"coverageFloor\": 200}\n");
        _repo.Git("commit", "--quiet", "-am", "a gate configuration that does not validate");
        // An approved change from an earlier run: a commit of its own on the branch the new request would take.
        var approved = _repo.Git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "approved earlier").Trim();
        _repo.Git("branch", "factory/taken", approved);
        var before = _repo.Snapshot();

        await Assert.ThrowsAnyAsync<Exception>(() => Provider().CreateAsync(Request("broken"), null, None).AsTask());
        await Assert.ThrowsAnyAsync<Exception>(() => Provider().CreateAsync(Request("taken"), null, None).AsTask());

        Assert.Equal("factory/taken", _repo.Git("branch", "--list", "factory/*", "--format=%(refname:short)").Trim());
        Assert.Equal(approved, _repo.Git("rev-parse", "factory/taken").Trim());
        Assert.Single(_repo.Git("worktree", "list", "--porcelain").Split('\n'), l => l.StartsWith("worktree ", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_repo.StatePath, "worktrees")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_repo.StatePath, "locks")));
        Assert.Equal(before, _repo.Snapshot());
    }

    [Fact]
    public async Task A_state_directory_inside_the_checkout_is_refused()
    {
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions
        {
            RepositoryPath = _repo.CheckoutPath,
            StateDirectory = Path.Combine(_repo.CheckoutPath, ".factory-state"),
        });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => provider.StartAsync());

        Assert.Contains("inside the checkout", error.Message);
    }
}
