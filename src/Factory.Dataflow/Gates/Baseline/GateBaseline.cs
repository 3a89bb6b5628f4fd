namespace Factory.Dataflow.Gates.Baseline;

/// <summary>
/// What the gates say about a base commit, before any change: the linter's and type checker's findings (as
/// fingerprints), every test's outcome by id, line coverage, and how long the suite took. Computed once per base tree,
/// gate configuration and tool versions, then kept in <see cref="GateOptions.BaselineDirectory"/>.
/// </summary>
public sealed record GateBaseline
{
    /// <summary>The git tree of the base commit the results belong to.</summary>
    public required string Tree { get; init; }

    /// <summary>The base commit it was computed from (another commit with the same tree shares it).</summary>
    public required string Commit { get; init; }

    /// <summary>When it was computed.</summary>
    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>The linter's findings on the base commit, as fingerprints.</summary>
    public required IReadOnlyList<string> LintFindings { get; init; }

    /// <summary>The type checker's findings on the base commit, as fingerprints.</summary>
    public required IReadOnlyList<string> TypeFindings { get; init; }

    /// <summary>Every test's outcome on the base commit, by id (<c>tests.test_main::test_root</c>).</summary>
    public required IReadOnlyDictionary<string, TestOutcome> Tests { get; init; }

    /// <summary>The base suite's line coverage of the measured source, test files left out.</summary>
    public required CoverageData Coverage { get; init; }

    /// <summary>How long the base suite took, with coverage, in seconds: TEST's time limit follows it.</summary>
    public required double SuiteSeconds { get; init; }

    /// <summary>
    /// Per measured file (relative path), the pytest node ids of the tests that ran code in it on the base commit, from
    /// coverage.py's per-test contexts; null when they could not be read (then every attempt runs the whole suite).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? TestsByFile { get; init; }

    /// <summary>The key it is stored under (base tree, gate configuration, tool versions): results derived from it are keyed by it too.</summary>
    internal string Key { get; init; } = "";
}
