using Factory.Dataflow;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

/// <summary>
/// No file the change creates can choose which tool runs or how it judges: configuration at any depth, start-up hooks
/// and modules that shadow the tools' own are refused to BUILD and TEST, judged where a path really leads.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JailProtectionTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SampleRepo _repo = SampleRepo.Create();
    private IFeatureWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        // A committed link from the package into the tests folder.
        File.CreateSymbolicLink(Path.Combine(_repo.CheckoutPath, "app", "t"), "../tests");
        Directory.CreateDirectory(Path.Combine(_repo.CheckoutPath, "tests", "unit"));
        File.WriteAllText(Path.Combine(_repo.CheckoutPath, "tests", "unit", "__init__.py"), "");

        // A test sub-folder that is not a package: pytest puts it on sys.path for the tests in it.
        Directory.CreateDirectory(Path.Combine(_repo.CheckoutPath, "tests", "integration"));
        File.WriteAllText(Path.Combine(_repo.CheckoutPath, "tests", "integration", "test_flow.py"), "def test_flow() -> None: ...\n");
        _repo.Git("add", "--all");
        _repo.Git("commit", "--quiet", "-m", "a link into the tests, a test sub-folder");
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = _repo.CheckoutPath, StateDirectory = _repo.StatePath });
        _workspace = await provider.CreateAsync(new FeatureRequest("protect", "x"), null, None);
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        _repo.Dispose();
    }

    public static TheoryData<string> Configuration =>
    [
        "tests/unit/conftest.py", "tests/unit/pytest.ini", "app/conftest.py", "app/sub/pyproject.toml", "app/ruff.toml", "app/.ruff.toml",
        "tests/unit/setup.cfg", "app/tox.ini", "app/mypy.ini", "app/.coveragerc", "app/logging.ini", "app/extra.cfg", "lib/hook.pth",
        "sitecustomize.py", "app/usercustomize.py", "app/main.pyi", "app/__pycache__/main.cpython-311.pyc", ".gitattributes",
        "app/.gitignore", "tests/.gitattributes", ".gitmodules", ".factory/gates.json", "app/.factory/gates.json", "appsettings.json",
        "app/appsettings.Development.json",
    ];

    [Theory]
    [MemberData(nameof(Configuration))]
    public async Task Test_and_tool_configuration_at_any_depth_is_refused_to_BUILD_and_TEST(string path)
    {
        var before = SampleRepo.Fingerprint(_workspace.RootPath);
        var testPath = path.StartsWith("tests/", StringComparison.Ordinal) ? path : "tests/" + path;

        var build = await _workspace.WriteAsync([new FileEdit(path, "import os\n")], WriterRole.Build, None);
        var test = await _workspace.WriteAsync([new FileEdit(testPath, "import os\n")], WriterRole.Test, None);

        Assert.False(build.Accepted, path);
        Assert.Contains("protected configuration", build.Rejection);
        Assert.False(test.Accepted, testPath);
        Assert.Equal(before, SampleRepo.Fingerprint(_workspace.RootPath));
    }

    [Theory]
    [InlineData("json.py", "json")]
    [InlineData("pytest/__init__.py", "pytest")]
    [InlineData("_pytest/python.py", "_pytest")]
    [InlineData("src/coverage/__init__.py", "coverage")]
    [InlineData("src/mypy.py", "mypy")]
    [InlineData("tests/typing_extensions.py", "typing_extensions")]
    [InlineData("tests/integration/pluggy/__init__.py", "pluggy")]
    [InlineData("tests/integration/http.py", "http")]
    public async Task A_new_module_that_would_shadow_the_stdlib_or_an_installed_package_is_refused_naming_it(string path, string module)
    {
        var before = SampleRepo.Fingerprint(_workspace.RootPath);

        var report = await _workspace.WriteAsync([new FileEdit(path, "def anything() -> None: ...\n")], WriterRole.Build, None);

        Assert.False(report.Accepted, path);
        Assert.Contains($"would shadow the module '{module}'", report.Rejection);
        Assert.Equal(before, SampleRepo.Fingerprint(_workspace.RootPath));
    }

    [Theory]
    [InlineData("app/json.py")]
    [InlineData("app/http/__init__.py")]
    [InlineData("app/routes/health.py")]
    [InlineData("tests/unit/http.py")]
    [InlineData("tests/unit/email/test_send.py")]
    public async Task A_module_inside_a_package_is_not_a_shadow(string path)
    {
        var report = await _workspace.WriteAsync([new FileEdit(path, "VALUE = 1\n")], WriterRole.Build, None);

        Assert.True(report.Accepted, report.Rejection);
    }

    [Fact]
    public async Task A_link_into_the_tests_folder_counts_as_the_tests_folder()
    {
        var before = SampleRepo.Fingerprint(_workspace.RootPath);

        var replace = await _workspace.WriteAsync([new FileEdit("app/t/test_main.py", "def test_main() -> None: ...\n")], WriterRole.Build, None);
        var plugin = await _workspace.WriteAsync([new FileEdit("app/t/unit/conftest.py", "pytest_plugins = ['evil']\n")], WriterRole.Build, None);

        Assert.False(replace.Accepted);
        Assert.Contains("'tests/test_main.py' is an existing test", replace.Rejection);
        Assert.Contains("leads to 'tests/test_main.py' through a link", replace.Rejection);
        Assert.False(plugin.Accepted);
        Assert.Contains("protected configuration", plugin.Rejection);
        Assert.Equal(before, SampleRepo.Fingerprint(_workspace.RootPath));
    }

    [Fact]
    public async Task An_edited_executable_file_keeps_its_mode()
    {
        var script = Path.Combine(_workspace.RootPath, "app", "main.py");
        File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var mode = File.GetUnixFileMode(script);

        var report = await _workspace.WriteAsync([new FileEdit("app/main.py", "print('changed')\n")], WriterRole.Build, None);

        Assert.True(report.Accepted, report.Rejection);
        Assert.Equal(mode, File.GetUnixFileMode(script));
        Assert.Equal("print('changed')\n", File.ReadAllText(script));
    }
}
