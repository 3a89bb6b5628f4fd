namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed class HelpTests(RunnerProcess runner)
{
    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("batch", "--help")]
    [InlineData("report", "--help")]
    [InlineData("demo", "--help")]
    public async Task Every_usage_line_names_the_command_users_type(params string[] arguments)
    {
        var result = await runner.RunAsync(null, arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        var usage = Array.FindIndex(lines, l => l.TrimEnd() == "Usage:");
        Assert.True(usage >= 0, result.ToString());
        var usageLines = lines.Skip(usage + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(usageLines);
        Assert.All(usageLines, l => Assert.StartsWith("  factory", l));
        Assert.DoesNotContain("Factory.Runner", result.Output);
    }
}
