using Factory.Dataflow;

namespace Factory.Tests.Gates.Warm;

/// <summary>
/// TEST judged with pytest started in the warm server gives, word for word, the verdict a fresh pytest gives: on a
/// change that should pass and on changes that should fail (a failing new test, a broken old test, untested code).
/// </summary>
public sealed class WarmPytestVerdictTests
{
    public static TheoryData<string, string, string> Changes => new()
    {
        { "passing", GateFixture.HealthRoute, GateFixture.HealthTest },
        { "failing new test", GateFixture.HealthRoute, GateFixture.HealthTest.Replace("\"ok\"}", "\"down\"}") },
        { "broken old test", GateFixture.HealthRoute.Replace("\"targetapp\"", "\"renamed\""), GateFixture.HealthTest },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_warm_pytest_run_gives_the_verdict_a_fresh_one_gives(string change, string code, string test)
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/main.py", code));

        gates.Options.WarmPytest = false;
        var fresh = await gates.TestTracedAsync(new FixedTestWriter([new FileEdit("tests/test_health.py", test)]));
        gates.Options.WarmPytest = true;
        var warm = await gates.TestTracedAsync(new FixedTestWriter([new FileEdit("tests/test_health.py", test)]));

        Assert.Equal(false, fresh.Usage["pytest_warm"]);
        Assert.True(warm.Usage["pytest_warm"] is true, $"{change}: the run was not served warm: {warm.Result.Detail}");
        Assert.Equal(fresh.Result.Ok, warm.Result.Ok);
        Assert.Equal(Verdict(fresh.Result.Detail), Verdict(warm.Result.Detail));
    }

    /// <summary>The verdict and pytest's summary, without the run's duration ("in 0.52s") and scratch paths, which differ run to run.</summary>
    private static string Verdict(string? detail) =>
        System.Text.RegularExpressions.Regex.Replace(detail ?? "", @"in [0-9.]+s|/tmp/factory-scratch-[^ \n]*", "");
}
