using Factory.Dataflow;

namespace Factory.Tests.Gates;

/// <summary>TEST shows its writer the changed files git names (-z), read through the confined reader; diff text never names a path.</summary>
public sealed class TestChangedFilesTests
{
    [Fact]
    public async Task Content_that_looks_like_a_diff_header_does_not_make_TEST_read_a_host_file()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(
            new FileEdit("app/main.py", GateFixture.HealthRoute),
            new FileEdit("app/notes.txt", "++ b/../../../../../../../../../../etc/passwd\n++ b/../../../../../../../../../../proc/self/environ\n"));
        var writer = new FixedTestWriter([new FileEdit("tests/test_health.py", GateFixture.HealthTest)]);

        var result = await new Factory.Dataflow.Toolchains.Python.Gates.TestStage(writer, gates.Runner, gates.Options)
            .ExecuteAsync(Factory.Tests.Support.TestContexts.For(gates.Workspace, StageName.Test), CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var seen = writer.ChangedFilesSeen!;
        Assert.Equal(["app/main.py", "app/notes.txt"], seen.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(seen, f => f.Content.Contains("root:", StringComparison.Ordinal) || f.Content.Contains("PATH=", StringComparison.Ordinal));
    }
}
