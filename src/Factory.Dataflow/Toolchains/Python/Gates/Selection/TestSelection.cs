using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Dataflow.Toolchains.Python.Gates.Selection;

/// <summary>
/// Which tests an attempt runs first, so a change that breaks something fails fast (the approach of pytest-testmon):
/// the base commit's tests that ran code in a file the change touches, plus the new tests. Only a speed-up: an attempt
/// that passes them still runs the whole suite, and the verdict is judged on that run alone, never on the subset.
/// </summary>
/// <param name="Paths">The pytest arguments of the first run (node ids and new test files); empty for none.</param>
/// <param name="Existing">How many of the base commit's tests are in it.</param>
/// <param name="Reason">Why there is no first run, for the trace; null when there is one.</param>
internal sealed record TestSelection(IReadOnlyList<string> Paths, int Existing, string? Reason)
{
    // Beyond this many characters of node ids the first run names test files instead (still a subset): a command line is bounded.
    private const int MaxNodeIdCharacters = 64 * 1024;

    /// <summary>True when there is a first run.</summary>
    public bool Selects => Paths.Count > 0;

    /// <summary>Chooses the first run for a change.</summary>
    /// <param name="baseline">The base commit's results, with the tests that ran code in each file.</param>
    /// <param name="config">The gate configuration (test folders, protected configuration).</param>
    /// <param name="root">The worktree (node ids must name its files).</param>
    /// <param name="changed">The files the change adds or modifies, repository-relative, the new tests left out.</param>
    /// <param name="newTests">The test files this attempt wrote.</param>
    /// <param name="minimumSuite">The base suite's time under which the whole suite runs directly.</param>
    public static TestSelection Choose(
        GateBaseline baseline, GateConfig config, string root, IReadOnlyCollection<string> changed, IReadOnlyCollection<string> newTests, TimeSpan minimumSuite)
    {
        if (baseline.TestsByFile is not { } byFile)
        {
            return None("the base commit's per-test coverage is unknown");
        }

        if (baseline.SuiteSeconds < minimumSuite.TotalSeconds)
        {
            return None(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"the base suite takes {baseline.SuiteSeconds:0.#} s, under GateOptions.TestSelectionMinimumSuite ({minimumSuite.TotalSeconds:0.#} s)"));
        }

        // A measured file that is gone (deleted or renamed) is touched too: every test that ran it is affected.
        var touched = changed.Concat(byFile.Keys.Where(f => !File.Exists(Path.Combine(root, f)))).Distinct(StringComparer.Ordinal).ToList();
        if (touched.FirstOrDefault(f => IsConfiguration(f, config)) is { } configuration)
        {
            return None($"the change touches {configuration}, which configures every test");
        }

        if (touched.FirstOrDefault(config.IsInTestFolder) is { } testFile)
        {
            return None($"the change touches {testFile}, in a test folder, besides the new tests");
        }

        if (touched.FirstOrDefault(f => !byFile.ContainsKey(f)) is { } uncovered)
        {
            return None($"no test of the base commit runs code in {uncovered}");
        }

        var selected = touched.SelectMany(f => byFile[f]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (selected.Count >= baseline.Tests.Count)
        {
            return None("every test of the base commit runs code the change touches");
        }

        // A node id names its file relative to pytest's rootdir; when that is not the worktree, selection stays off.
        if (selected.Any(id => !File.Exists(Path.Combine(root, FileOf(id)))))
        {
            return None("the tests' node ids do not name files of the worktree (pytest's rootdir is elsewhere)");
        }

        IReadOnlyList<string> paths = selected.Sum(id => id.Length + 1) <= MaxNodeIdCharacters
            ? selected
            : [.. selected.Select(FileOf).Distinct(StringComparer.Ordinal)];
        return new TestSelection([.. paths, .. newTests.Where(PythonFiles.Instance.IsTestFileName)], selected.Count, null);
    }

    private static TestSelection None(string reason) => new([], 0, reason);

    private static string FileOf(string nodeId)
    {
        var end = nodeId.IndexOf("::", StringComparison.Ordinal);
        return end < 0 ? nodeId : nodeId[..end];
    }

    /// <summary>conftest.py, or a file the gates count as configuration (a bare name matches at any depth).</summary>
    private static bool IsConfiguration(string relative, GateConfig config) =>
        PythonFiles.Instance.IsTestSupport(relative) ||
        config.ProtectedPaths.Any(p => relative == p || relative.StartsWith(p.TrimEnd('/') + "/", StringComparison.Ordinal) ||
            (!p.Contains('/', StringComparison.Ordinal) && relative.EndsWith("/" + p, StringComparison.Ordinal)));
}
