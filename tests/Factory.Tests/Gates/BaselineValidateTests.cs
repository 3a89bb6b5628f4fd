using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

/// <summary>VALIDATE judged against the base commit: findings it already had never block; only new ones go to BUILD.</summary>
public sealed class BaselineValidateTests
{
    // The base commit already has a ruff finding (F401) and a mypy error (a str returned as int) in a module of its own.
    private const string Legacy = "import os\n\n\ndef answer() -> int:\n    return \"forty-two\"\n";

    private static Dictionary<string, string?> LegacyBase() => new() { ["app/legacy.py"] = Legacy };

    [Fact]
    public async Task Findings_the_base_commit_already_had_do_not_fail_validate_and_are_counted()
    {
        await using var gates = await GateFixture.CreateAsync(baseFiles: LegacyBase());

        // The change shifts the legacy findings down by three lines: their fingerprints must still match.
        await gates.BuildAsync(
            new FileEdit("app/main.py", GateFixture.HealthRoute),
            new FileEdit("app/legacy.py", "\"\"\"Legacy code.\"\"\"\n\n\n" + Legacy));
        var result = await gates.ValidateAsync();

        Assert.True(result.Ok, result.Detail);
        Assert.Contains("(1 finding the base commit already had is not shown: they are not this change's)", result.Detail);
        Assert.DoesNotContain("F401", result.Detail);
        Assert.DoesNotContain("return-value", result.Detail);
    }

    [Fact]
    public async Task A_change_adding_one_finding_sends_only_that_finding_to_build()
    {
        await using var gates = await GateFixture.CreateAsync(baseFiles: LegacyBase());
        await gates.BuildAsync(new FileEdit("app/main.py", "import sys\n" + GateFixture.HealthRoute));

        var result = await gates.ValidateAsync();

        Assert.False(result.Ok);
        Assert.Contains("--- ruff check . (exit 1) ---\napp/main.py:1:8: F401 [*] `sys` imported but unused\n(1 finding the base commit", result.Detail);
        Assert.DoesNotContain("`os` imported but unused", result.Detail);
        Assert.DoesNotContain("legacy.py", result.Detail);
    }

    [Fact]
    public async Task A_strict_baseline_blocks_the_findings_the_base_commit_had_as_before()
    {
        var files = LegacyBase();
        files[".factory/gates.json"] = """{ "baseline": "strict" }""";
        await using var gates = await GateFixture.CreateAsync(baseFiles: files);
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.ValidateAsync();

        Assert.False(result.Ok);
        Assert.Contains("app/legacy.py:1:8: F401", result.Detail);
        Assert.Contains("app/legacy.py:5: error: Incompatible return value type", result.Detail);
    }
}
