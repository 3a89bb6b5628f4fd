namespace Factory.Dataflow.Gates.Baseline;

/// <summary>How one test ended, worst first when a test is reported twice (a passing call and a failing teardown).</summary>
public enum TestOutcome
{
    /// <summary>It ran and passed (an unexpected pass of an xfail test too).</summary>
    Passed = 0,

    /// <summary>Skipped, or an expected failure (xfail).</summary>
    Skipped = 1,

    /// <summary>An assertion or exception in the test.</summary>
    Failed = 2,

    /// <summary>An error in set-up, teardown or collection (a module that cannot be imported).</summary>
    Error = 3,
}
