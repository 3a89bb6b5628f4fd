using System.Diagnostics;
using Factory.Dataflow;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

/// <summary>
/// Reads are confined by the kernel, not by path text: committed links that leave the worktree (absolute, through
/// /proc/self, through '..' after a link) are refused by every reader (the workspace's ReadFileAsync and SCOUT's
/// tools), a link inside it is judged where it leads, and a device or FIFO is refused at once instead of read.
/// </summary>
public sealed class ConfinedReadTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SampleRepo _repo = SampleRepo.Create();
    private IFeatureWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        // Links as a hostile repository would commit them.
        Link("app/environ", "/proc/self/environ");
        Link("app/passwd", "/etc/passwd");
        Link("app/zero", "/dev/zero");
        Link("app/hop", "../tests");
        Link("app/chain", "hop/../../../../../../../../../../../../../etc/passwd");
        Link("app/up", "..");
        Link("app/alias.py", "main.py");

        // A chain whose text stays inside while the real path leaves: "hop" is the root, deep in folders, so the
        // '..' after it climb past the root in reality but only back up those folders on paper.
        var depth = WorktreeRoot.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        var folder = Path.Combine(["app", .. Enumerable.Range(1, depth).Select(i => $"d{i}")]);
        Directory.CreateDirectory(Path.Combine(_repo.CheckoutPath, folder));
        Link(Path.Combine(folder, "hop"), string.Concat(Enumerable.Repeat("../", depth + 1)));
        Link(Path.Combine(folder, "host"), "hop/" + string.Concat(Enumerable.Repeat("../", depth)) + "etc/passwd");
        DeepChain = Path.Combine(folder, "host");

        // The same as a folder: the last component (passwd) is a plain file, so only the folder link on the way leads out.
        Link(Path.Combine(folder, "hostdir"), "hop/" + string.Concat(Enumerable.Repeat("../", depth)) + "etc");
        DeepFolderChain = Path.Combine(folder, "hostdir", "passwd");
        _repo.Git("add", "app");
        _repo.Git("commit", "--quiet", "-m", "links");
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = _repo.CheckoutPath, StateDirectory = _repo.StatePath });
        _workspace = await provider.CreateAsync(new FeatureRequest("reads", "x"), null, None);
    }

    /// <summary>The link of the deep chain that leads to /etc/passwd while its text looks inside.</summary>
    private string DeepChain { get; set; } = "";

    /// <summary>A path through a folder link of the same kind, ending at /etc/passwd.</summary>
    private string DeepFolderChain { get; set; } = "";

    private string WorktreeRoot => Path.Combine(_repo.StatePath, "worktrees", "reads");

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        _repo.Dispose();
    }

    [Theory]
    [InlineData("app/environ", "through /proc/self")]
    [InlineData("app/passwd", "absolute link")]
    [InlineData("app/chain", "'..' after a link")]
    [InlineData("app/up/../etc/passwd", "'..' in the path")]
    [InlineData("app/hop/../../../etc/passwd", "'..' after a link in the path")]
    public async Task A_link_out_of_the_worktree_is_refused_by_every_reader(string path, string because)
    {
        var error = await Assert.ThrowsAsync<ConfinedPathException>(() => _workspace.ReadFileAsync(path, 4096, None).AsTask());
        var tools = new ScoutTools(new WorktreeFiles(_workspace), new ScoutToolOptions());
        var scoutRead = await tools.ReadFile(path);
        var scoutGrep = await tools.Grep("root|PATH=", path);

        Assert.True(error.Message.Contains("outside the worktree", StringComparison.Ordinal) || error.Message.Contains("'..'", StringComparison.Ordinal), because);
        Assert.StartsWith("error:", scoutRead);
        Assert.StartsWith("error:", scoutGrep);
        Assert.DoesNotContain("root:", scoutRead + scoutGrep);
        Assert.DoesNotContain("PATH=", scoutRead + scoutGrep);
    }

    [Fact]
    public async Task A_link_chain_that_looks_inside_on_paper_but_leads_to_a_host_file_is_refused()
    {
        // The links really do lead to the host's /etc/passwd: an unconfined read gets it.
        Assert.Contains("root:", File.ReadAllText(Path.Combine(_workspace.RootPath, DeepChain)));
        Assert.Contains("root:", File.ReadAllText(Path.Combine(_workspace.RootPath, DeepFolderChain)));
        var tools = new ScoutTools(new WorktreeFiles(_workspace), new ScoutToolOptions());

        foreach (var path in new[] { DeepChain, DeepFolderChain })
        {
            var error = await Assert.ThrowsAsync<ConfinedPathException>(() => _workspace.ReadFileAsync(path, 4096, None).AsTask());
            var scout = await tools.ReadFile(path);

            Assert.Contains("outside the worktree", error.Message);
            Assert.StartsWith("error:", scout);
            Assert.DoesNotContain("root:", scout);
        }
    }

    [Fact]
    public void The_project_detector_reads_through_the_same_confinement()
    {
        var files = new Factory.Dataflow.Toolchains.Python.Detection.ProjectFiles(_workspace.RootPath, null);

        Assert.Null(files.Read(DeepChain));
        Assert.Null(files.Read(DeepFolderChain));
        Assert.Null(files.Read("app/environ"));
        Assert.Contains("FastAPI", files.Read("app/main.py"));
    }

    [Fact]
    public async Task A_link_inside_the_worktree_is_followed_and_reports_where_it_really_leads()
    {
        var alias = await _workspace.ReadFileAsync("app/alias.py", 4096, None);
        var throughRoot = await _workspace.ReadFileAsync("app/up/app/main.py", 4096, None);
        var intoTests = await _workspace.ReadFileAsync("app/hop/test_main.py", 4096, None);

        Assert.Equal("app/main.py", alias.Path);
        Assert.Equal("app/main.py", throughRoot.Path);
        Assert.Equal("tests/test_main.py", intoTests.Path);
        Assert.Contains("FastAPI", alias.Text);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_device_or_a_FIFO_behind_a_link_is_refused_at_once_instead_of_read()
    {
        // A FIFO with no writer would block a plain open or read forever; code under test could make one if a sandbox failed.
        Run("mkfifo", Path.Combine(_workspace.RootPath, "app", "pipe"));
        File.CreateSymbolicLink(Path.Combine(_workspace.RootPath, "app", "pipelink"), "pipe");
        var tools = new ScoutTools(new WorktreeFiles(_workspace), new ScoutToolOptions());

        var device = await Assert.ThrowsAsync<ConfinedPathException>(() => _workspace.ReadFileAsync("app/zero", int.MaxValue, None).AsTask());
        var fifo = await Assert.ThrowsAsync<ConfinedPathException>(() => _workspace.ReadFileAsync("app/pipelink", int.MaxValue, None).AsTask());

        Assert.Contains("outside the worktree", device.Message);
        Assert.Contains("not a regular file", fifo.Message);
        Assert.StartsWith("error:", await tools.ReadFile("app/pipe"));
        Assert.StartsWith("error:", await tools.ReadFile("app/zero"));
    }

    [Fact]
    public async Task A_read_is_bounded_in_bytes_and_honours_cancellation()
    {
        var bounded = await _workspace.ReadFileAsync("app/main.py", 10, None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.Equal(10, bounded.Content.Length);
        Assert.True(bounded.IsTruncated);
        Assert.True(bounded.Length > 10);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _workspace.ReadFileAsync("app/main.py", 10, cancelled.Token).AsTask());
    }

    [Fact]
    public async Task SCOUT_lists_tracked_source_files_only_no_links_binaries_git_pointer_or_untracked_files()
    {
        File.WriteAllBytes(Path.Combine(_workspace.RootPath, "app", "untracked.py"), "X = 1\n"u8.ToArray());
        var files = new WorktreeFiles(_workspace);

        var listed = await files.ListAsync("", None);
        var root = await new ScoutTools(files, new ScoutToolOptions()).ListFiles(".");

        Assert.Contains("app/main.py", listed);
        Assert.DoesNotContain(".git", listed);
        Assert.DoesNotContain("app/untracked.py", listed);
        Assert.DoesNotContain("app/environ", listed);
        Assert.DoesNotContain("app/alias.py", listed);
        Assert.DoesNotContain(".git", root.Split('\n'));
    }

    private void Link(string path, string target) => File.CreateSymbolicLink(Path.Combine(_repo.CheckoutPath, path), target);

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments))!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
