using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

public sealed class GateSettingsTests
{
    [Theory]
    [InlineData("""{ "testFolder": "app/tests" }""", "app/tests")]
    [InlineData("""{ "testFolders": ["tests/unit", "app/tests/"] }""", "tests/unit,app/tests")]
    [InlineData("""{ }""", "tests")]
    public async Task Test_folders_come_from_one_setting_with_tests_as_the_default(string json, string expected)
    {
        using var root = new TempDirectory("factory-gates");
        Directory.CreateDirectory(Path.Combine(root.Path, ".factory"));
        File.WriteAllText(Path.Combine(root.Path, GateConfig.RelativePath), json);

        var config = await GateConfig.LoadAsync(root.Path, CancellationToken.None);

        Assert.Equal(expected.Split(','), config.EffectiveTestFolders);
        Assert.True(config.IsTestFile(expected.Split(',')[0] + "/helpers.py", ToolchainRegistry.Default.For(config).Files));
        Assert.False(config.IsTestFile("app/main.py", ToolchainRegistry.Default.For(config).Files));
    }

    [Theory]
    [InlineData("""{ "testFolder": "tests", "testFolders": ["tests"] }""", "not both")]
    [InlineData("""{ "testFolders": [] }""", "testFolders must name at least one folder")]
    [InlineData("""{ "testFolders": ["../elsewhere"] }""", "testFolders must be a relative path inside the repository")]
    [InlineData("""{ "baseline": "lenient" }""", "$.baseline")]
    [InlineData("""{ "patchCoverageFloor": 101 }""", "patchCoverageFloor must be between 0 and 100")]
    [InlineData("""{ "coverageDropMargin": -1 }""", "coverageDropMargin must be between 0 and 100")]
    public async Task A_bad_gate_setting_is_an_environment_error_naming_it(string json, string message)
    {
        using var root = new TempDirectory("factory-gates");
        Directory.CreateDirectory(Path.Combine(root.Path, ".factory"));
        File.WriteAllText(Path.Combine(root.Path, GateConfig.RelativePath), json);

        var error = await Assert.ThrowsAsync<GateEnvironmentException>(async () => await GateConfig.LoadAsync(root.Path, CancellationToken.None));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(0.5, 20)]
    [InlineData(10, 50)]
    [InlineData(100, 300)]
    public void Tests_limit_is_a_multiple_of_the_base_suites_time_between_the_floor_and_the_ceiling(double baseSeconds, double limitSeconds)
    {
        var options = new GateOptions().ValidateAndCopy();

        Assert.Equal(TimeSpan.FromSeconds(limitSeconds), options.TestLimit(TimeSpan.FromSeconds(baseSeconds)));
    }
}
