using Factory.Dataflow;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

public sealed class JailedWriterTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SampleRepo _repo = SampleRepo.Create();
    private IFeatureWorkspace _workspace = null!;
    private string _outside = null!;

    public async Task InitializeAsync()
    {
        // A committed symlink pointing outside the repository, as a hostile or careless repository might hold.
        Directory.CreateSymbolicLink(Path.Combine(_repo.CheckoutPath, "app", "link"), "/etc");
        _repo.Git("add", "app/link");
        _repo.Git("commit", "--quiet", "-m", "add a symlink");
        _outside = Path.Combine(_repo.StatePath, "outside");
        Directory.CreateDirectory(_outside);

        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions
        {
            RepositoryPath = _repo.CheckoutPath,
            StateDirectory = _repo.StatePath,
            MaxFileBytes = 1024,
            MaxFilesPerWrite = 3,
        });
        _workspace = await provider.CreateAsync(new FeatureRequest("jail", "x"), null, None);

        // A symlink "created" inside the worktree by earlier code under test, pointing outside it.
        Directory.CreateSymbolicLink(Path.Combine(_workspace.RootPath, "app", "made"), _outside);
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        _repo.Dispose();
    }

    public static TheoryData<string, string, string> HostileEdits => new()
    {
        { "absolute path", "/tmp/factory-escape.py", "absolute" },
        { "home path", "~/escape.py", "absolute" },
        { "dot-dot escape", "../escape.py", ".." },
        { "nested dot-dot escape", "app/../../escape.py", ".." },
        { "git folder", ".git/config", ".git" },
        { "git pointer file", ".git", ".git" },
        { "nested git folder", "app/.git/hooks/pre-commit", ".git" },
        { "NUL character", "app/evil\0.py", "control character" },
        { "newline", "app/evil\n.py", "control character" },
        { "escape character", "app/\u001b[31m.py", "control character" },
        { "empty path", "", "empty" },
        { "blank path", "   ", "empty" },
        { "committed symlink to /etc", "app/link/passwd", "outside the worktree" },
        { "created symlink to outside", "app/made/escape.py", "outside the worktree" },
        { "the symlink itself", "app/link", "symbolic link" },
        { "backslash", "app\\evil.py", "backslash" },
    };

    [Theory]
    [MemberData(nameof(HostileEdits))]
    public async Task A_hostile_path_is_refused_with_a_reason_and_nothing_is_written(string because, string path, string reason)
    {
        var before = Fingerprint();
        var checkout = _repo.Snapshot();

        // A good edit in the same batch proves all-or-nothing: it must not be written either.
        var report = await _workspace.WriteAsync(
            [new FileEdit("app/good.py", "GOOD = 1\n"), new FileEdit(path, "pwned = True\n")], WriterRole.Build, None);

        Assert.False(report.Accepted, because);
        Assert.Contains(reason, report.Rejection, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(report.WrittenPaths);
        Assert.Equal(before, Fingerprint());
        Assert.Equal(checkout, _repo.Snapshot());
        Assert.False(File.Exists("/tmp/factory-escape.py"));
        Assert.False(File.Exists("/etc/passwd.pwned"));
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task Content_over_the_size_limit_is_refused()
    {
        var report = await _workspace.WriteAsync([new FileEdit("app/big.py", new string('x', 1025))], WriterRole.Build, None);

        Assert.False(report.Accepted);
        Assert.Contains("at most 1024 bytes", report.Rejection);
        Assert.False(File.Exists(Path.Combine(_workspace.RootPath, "app", "big.py")));
    }

    [Fact]
    public async Task More_files_than_the_limit_are_refused()
    {
        var edits = Enumerable.Range(0, 4).Select(i => new FileEdit($"app/extra{i}.py", "x = 1\n")).ToList();

        var report = await _workspace.WriteAsync(edits, WriterRole.Build, None);

        Assert.False(report.Accepted);
        Assert.Contains("at most 3", report.Rejection);
        Assert.Empty(Directory.GetFiles(Path.Combine(_workspace.RootPath, "app"), "extra*.py"));
    }

    [Theory]
    [InlineData("tests/test_main.py", "existing test")]
    [InlineData(".factory/gates.json", "protected configuration")]
    [InlineData("pyproject.toml", "protected configuration")]
    [InlineData("tests/conftest.py", "protected configuration")]
    public async Task BUILD_may_not_modify_existing_tests_or_the_gate_configuration(string path, string reason)
    {
        var before = Fingerprint();

        var report = await _workspace.WriteAsync([new FileEdit(path, "rewritten\n")], WriterRole.Build, None);

        Assert.False(report.Accepted);
        Assert.Contains(reason, report.Rejection);
        Assert.Equal(before, Fingerprint());
    }

    [Fact]
    public async Task BUILD_may_write_source_files_in_new_folders()
    {
        var report = await _workspace.WriteAsync([new FileEdit("app/routes/health.py", "OK = 'ok'\n")], WriterRole.Build, None);

        Assert.True(report.Accepted, report.Rejection);
        Assert.Equal(["app/routes/health.py"], report.WrittenPaths);
        Assert.Equal("OK = 'ok'\n", File.ReadAllText(Path.Combine(_workspace.RootPath, "app", "routes", "health.py")));
    }

    [Theory]
    [InlineData("tests/test_main.py", "already exists")]
    [InlineData("app/test_sneaky.py", "outside the test folder")]
    [InlineData("app/main.py", "outside the test folder")]
    [InlineData("tests/helpers.py", "not a test file name")]
    [InlineData("tests/conftest.py", "protected configuration")]
    public async Task TEST_may_only_add_new_test_files_under_the_test_folder(string path, string reason)
    {
        var before = Fingerprint();

        var report = await _workspace.WriteAsync([new FileEdit(path, "def test_x() -> None: ...\n")], WriterRole.Test, None);

        Assert.False(report.Accepted);
        Assert.Contains(reason, report.Rejection);
        Assert.Equal(before, Fingerprint());
    }

    [Fact]
    public async Task TEST_may_add_a_new_test_file_and_rewrite_its_own_on_a_later_attempt_but_BUILD_may_not()
    {
        var first = await _workspace.WriteAsync([new FileEdit("tests/test_health.py", "def test_a() -> None: ...\n")], WriterRole.Test, None);
        var again = await _workspace.WriteAsync([new FileEdit("tests/test_health.py", "def test_b() -> None: ...\n")], WriterRole.Test, None);
        var byBuild = await _workspace.WriteAsync([new FileEdit("tests/test_health.py", "def test_c() -> None: ...\n")], WriterRole.Build, None);

        Assert.True(first.Accepted, first.Rejection);
        Assert.True(again.Accepted, again.Rejection);
        Assert.False(byBuild.Accepted);
        Assert.Equal("def test_b() -> None: ...\n", File.ReadAllText(Path.Combine(_workspace.RootPath, "tests", "test_health.py")));
    }

    private string Fingerprint() => SampleRepo.Fingerprint(_workspace.RootPath) + SampleRepo.Fingerprint(_outside);
}
