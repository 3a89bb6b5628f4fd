using Factory.Dataflow;

namespace Factory.Tests.Gates;

/// <summary>
/// Files in the worktree named like the tools' own modules cannot replace or silence them: the tools start isolated
/// from the worktree (issue 11, the gates' side). Each shadow would report success; the real tools' findings must show.
/// </summary>
public sealed class ToolShadowingTests
{
    private const string FakeSuccess = "import sys\nprint('Success: no issues found')\nprint('1 passed')\nsys.exit(0)\n";

    private static readonly string[] s_shadows =
    [
        "pytest.py", "_pytest/__init__.py", "pluggy/__init__.py", "mypy/__init__.py", "mypy/__main__.py", "coverage/__init__.py",
        "pytest_cov/__init__.py", "json.py", "runpy.py", "ruff.py", "node_modules/@astral-sh/ruff-wasm-nodejs/index.js",
    ];

    [Fact]
    public async Task Modules_in_the_worktree_named_like_ruff_mypy_pytest_or_coverage_cannot_replace_them()
    {
        // The shadows are committed in the repository (hostile repository content): the jail refuses them from BUILD,
        // and a file that appeared in the worktree outside the jail stops the change before any gate trusts it.
        await using var gates = await GateFixture.CreateAsync(baseFiles: s_shadows.ToDictionary(
            shadow => shadow,
            shadow => (string?)(shadow.EndsWith(".js", StringComparison.Ordinal) ? "process.exit(0);\n" : FakeSuccess)));
        await gates.BuildAsync(new FileEdit(
            "app/main.py", "import os\n" + GateFixture.HealthRoute.Replace("{\"status\": \"ok\"}", "{\"status\": 200}")));

        var validate = await gates.ValidateAsync();
        var test = await gates.TestAsync(new FileEdit("tests/test_health.py", GateFixture.HealthTest));

        Assert.False(validate.Ok);
        Assert.Contains("app/main.py:1:8: F401 [*] `os` imported but unused", validate.Detail);
        Assert.Contains("app/main.py:14: error: Dict entry 0 has incompatible type \"str\": \"int\"", validate.Detail);
        Assert.False(test.Ok);
        Assert.StartsWith("TEST failed: 1 new test fails: tests.test_health::test_health (failed)", test.Detail);
    }
}
