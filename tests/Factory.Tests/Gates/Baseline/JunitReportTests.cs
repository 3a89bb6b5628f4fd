using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Toolchains.Python.Gates.Baseline;
using Factory.Tests.Support;

namespace Factory.Tests.Gates.Baseline;

public sealed class JunitReportTests
{
    [Fact]
    public void Every_test_gets_its_worst_outcome_by_id_and_a_cut_report_is_no_report()
    {
        using var folder = new TempDirectory("factory-junit");
        var path = Path.Combine(folder.Path, "junit.xml");
        File.WriteAllText(path, """
            <?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="5">
            <testcase classname="tests.test_a" name="test_pass[1-x]" time="0.1" />
            <testcase classname="tests.test_a" name="test_fail" time="0.1"><failure message="boom">trace</failure></testcase>
            <testcase classname="tests.test_a" name="test_teardown" time="0.1" />
            <testcase classname="tests.test_a" name="test_teardown" time="0.1"><error message="teardown">trace</error></testcase>
            <testcase classname="tests.test_a" name="test_skip" time="0"><skipped type="pytest.skip" message="no db" /></testcase>
            <testcase classname="" name="tests.test_broken" time="0"><error message="collection failure">ImportError</error></testcase>
            </testsuite></testsuites>
            """);

        var outcomes = JunitReport.TryRead(path)!;

        Assert.Equal(TestOutcome.Passed, outcomes["tests.test_a::test_pass[1-x]"]);
        Assert.Equal(TestOutcome.Failed, outcomes["tests.test_a::test_fail"]);
        Assert.Equal(TestOutcome.Error, outcomes["tests.test_a::test_teardown"]);
        Assert.Equal(TestOutcome.Skipped, outcomes["tests.test_a::test_skip"]);
        Assert.Equal(TestOutcome.Error, outcomes["::tests.test_broken"]);

        File.WriteAllText(path, "<testsuites><testsuite><testcase classname=\"a\" name=\"b\">");
        Assert.Null(JunitReport.TryRead(path));
    }
}
