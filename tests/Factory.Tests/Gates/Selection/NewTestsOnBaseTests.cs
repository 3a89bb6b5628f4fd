using Factory.Dataflow;

namespace Factory.Tests.Gates.Selection;

/// <summary>The new-tests-on-base check, kept per base tree and new test content: the same answer, one pytest start fewer.</summary>
public sealed class NewTestsOnBaseTests
{
    private const string PassesOnBase = GateFixture.HealthTest + "\n\ndef test_root_again() -> None:\n    assert client.get(\"/\").status_code == 200\n";

    [Fact]
    public async Task New_tests_that_repeat_get_the_same_base_check_answer_without_running_on_the_base_again()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", GateFixture.HealthRoute));
        var weak = new FixedTestWriter([new FileEdit("tests/test_health.py", PassesOnBase)]);

        var (first, firstUsage) = await gates.TestTracedAsync(weak);
        var (again, againUsage) = await gates.TestTracedAsync(weak);
        var (fixedTests, fixedUsage) = await gates.TestTracedAsync(new FixedTestWriter([new FileEdit("tests/test_health.py", GateFixture.HealthTest)]));

        // The refusal is the same word for word, read the second time instead of run.
        Assert.False(first.Ok);
        Assert.StartsWith("TEST failed: this new test passes on the base commit too, without the change, so it does not test it: tests.test_health::test_root_again", first.Detail);
        Assert.Equal(first.Detail, again.Detail);
        Assert.Equal("ran", firstUsage["base_check"]);
        Assert.Equal(2, firstUsage["pytest_runs"]);
        Assert.Equal("cached", againUsage["base_check"]);
        Assert.Equal(1, againUsage["pytest_runs"]);

        // Different test content is another question: it runs on the base commit, and passes the check.
        Assert.True(fixedTests.Ok, fixedTests.Detail);
        Assert.Equal("ran", fixedUsage["base_check"]);
        Assert.Equal(2, fixedUsage["pytest_runs"]);
    }
}
