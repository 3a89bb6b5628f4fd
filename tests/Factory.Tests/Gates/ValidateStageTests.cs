using Factory.Dataflow;

namespace Factory.Tests.Gates;

public sealed class ValidateStageTests
{
    [Fact]
    public async Task A_clean_change_passes_validate_with_both_tools_labelled()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var result = await gates.ValidateAsync();

        Assert.True(result.Ok, result.Detail);
        Assert.Contains("--- ruff check . (exit 0) ---", result.Detail);
        Assert.Contains("--- mypy app (exit 0) ---", result.Detail);
        Assert.Contains("Success: no issues found", result.Detail);
    }

    [Fact]
    public async Task A_type_error_fails_validate_with_mypys_text()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute.Replace("{\"status\": \"ok\"}", "{\"status\": 200}")));

        var result = await gates.ValidateAsync();

        Assert.False(result.Ok);
        Assert.Contains("--- mypy app (exit 1) ---", result.Detail);
        Assert.Contains("app/main.py:13: error: Dict entry 0 has incompatible type \"str\": \"int\"; expected \"str\": \"str\"  [dict-item]", result.Detail);
        Assert.Contains("--- ruff check . (exit 0) ---", result.Detail);
    }

    [Fact]
    public async Task An_unused_import_fails_validate_with_ruffs_F401_finding()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", "import os\n" + GateFixture.HealthRoute));

        var result = await gates.ValidateAsync();

        Assert.False(result.Ok);
        Assert.Contains("--- ruff check . (exit 1) ---", result.Detail);
        Assert.Contains("app/main.py:1:8: F401", result.Detail);
        Assert.Contains("`os` imported but unused", result.Detail);
    }

    [Fact]
    public async Task A_second_validate_reuses_the_shared_mypy_cache()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));

        var cold = await gates.ValidateAsync();
        var warm = await gates.ValidateAsync();

        Assert.True(cold.Ok && warm.Ok, cold.Detail + warm.Detail);
        Assert.Single(Directory.GetDirectories(Path.Combine(gates.Options.MypyCacheDirectory!), "snapshots", SearchOption.AllDirectories));
        Assert.True(Directory.EnumerateFiles(gates.Options.MypyCacheDirectory!, "*.meta.json", SearchOption.AllDirectories).Any());
    }
}
