using System.Globalization;
using System.Text;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// Judges TEST's one pytest run of the whole suite (the new tests with it) against the base commit's baseline:
/// every test that passed on the base must pass (PASS_TO_PASS); tests that already failed are reported, not blamed;
/// every new test must pass; the lines the change adds or modifies must be covered (patch coverage), and total coverage
/// may fall by no more than the set margin (and stay above the absolute floor, when one is set).
/// </summary>
internal static class TestVerdict
{
    public static (bool Ok, string Summary) Judge(
        PytestResult result,
        GateBaseline baseline,
        GateConfig config,
        IReadOnlyDictionary<string, IReadOnlySet<int>> patch,
        int newTestFiles,
        StageUsage usage)
    {
        var tests = result.Tests!;
        var problems = new List<string>();
        var notes = new List<string>();
        var outcomes = Compare(tests, baseline, onlyWhatRan: false);
        JudgeTests(outcomes, config, problems, notes);
        usage.SetExtra("baseline_failing_tests", outcomes.StillFailing.Count);
        usage.SetExtra("new_tests", outcomes.Added.Count);
        if (outcomes.AddedFailing.Count == 0 && newTestFiles > 0 && outcomes.Added.Count == 0)
        {
            problems.Add("the new test files hold no test that pytest collects (test_* functions, Test* classes)");
        }

        JudgeCoverage(result.Coverage, baseline, config, patch, usage, problems, notes);
        var passed = tests.Count(t => t.Value == TestOutcome.Passed);
        var summary = new StringBuilder(problems.Count == 0 ? "TEST passed: " : "TEST failed: ");
        summary.Append(string.Join("; ", problems.Count == 0 ? [$"{Count(passed, "test")} passed ({outcomes.Added.Count} new)", .. notes] : problems));
        if (problems.Count > 0 && notes.Count > 0)
        {
            summary.Append(". Also: ").Append(string.Join("; ", notes));
        }

        return (problems.Count == 0, summary.Append('.').ToString());
    }

    /// <summary>
    /// Judges the first, selected run of an attempt (the tests that cover what the change touches, and the new tests):
    /// the same rules as <see cref="Judge"/> on the tests that ran, without coverage, which only the whole suite measures.
    /// </summary>
    /// <returns>The failure's feedback, or null when the selected tests give no reason to stop before the whole suite.</returns>
    public static string? FailFast(PytestResult result, GateBaseline baseline, GateConfig config, int selected)
    {
        var problems = new List<string>();
        JudgeTests(Compare(result.Tests!, baseline, onlyWhatRan: true), config, problems, []);
        return problems.Count == 0
            ? null
            : $"TEST failed: {string.Join("; ", problems)}. (Found by the {Count(selected, "test")} that {(selected == 1 ? "runs" : "run")} the code the change touches, and the " +
              $"new tests, run first; the rest of the suite did not run.)";
    }

    /// <summary>The feedback for a run that ended without a report (killed at its limit, crashed).</summary>
    public static string NoReport(SandboxResult run, TimeSpan limit, GateBaseline baseline, GateOptions options) => run.TimedOut
        ? string.Format(
            CultureInfo.InvariantCulture,
            "TEST failed: pytest did not finish within {0:0.#} s, so a test (or the code it runs) never ends. The limit is {1:0.#} times " +
            "the base commit's suite ({2:0.#} s), at least {3:0} s and at most {4:0} s (GateOptions.TestTimeoutMultiple, TestTimeoutFloor, TestTimeout).",
            limit.TotalSeconds, options.TestTimeoutMultiple, baseline.SuiteSeconds, options.TestTimeoutFloor.TotalSeconds, options.TestTimeout.TotalSeconds)
        : $"TEST failed: pytest ended without its report (exit {run.ExitCode}).";

    /// <summary>The run's tests against the base commit's.</summary>
    /// <param name="tests">The run's outcomes by id.</param>
    /// <param name="baseline">The base commit's.</param>
    /// <param name="onlyWhatRan">True for a selected run: a base test it did not run is not counted as broken.</param>
    private static TestComparison Compare(IReadOnlyDictionary<string, TestOutcome> tests, GateBaseline baseline, bool onlyWhatRan)
    {
        var broken = baseline.Tests
            .Where(t => t.Value == TestOutcome.Passed && (!onlyWhatRan || tests.ContainsKey(t.Key)) &&
                tests.GetValueOrDefault(t.Key, TestOutcome.Error) != TestOutcome.Passed)
            .Select(t => t.Key + (tests.TryGetValue(t.Key, out var now) ? $" ({Name(now)})" : " (did not run)"))
            .ToList();
        var stillFailing = tests.Where(t => t.Value is TestOutcome.Failed or TestOutcome.Error && baseline.Tests.TryGetValue(t.Key, out var before) &&
            before is TestOutcome.Failed or TestOutcome.Error).Select(t => t.Key).ToList();
        var added = tests.Where(t => !baseline.Tests.ContainsKey(t.Key)).ToList();
        var addedFailing = added.Where(t => t.Value is TestOutcome.Failed or TestOutcome.Error).Select(t => $"{t.Key} ({Name(t.Value)})").ToList();
        return new TestComparison(broken, stillFailing, added, addedFailing);
    }

    private static void JudgeTests(TestComparison outcomes, GateConfig config, List<string> problems, List<string> notes)
    {
        if (outcomes.Broken.Count > 0)
        {
            problems.Add($"the change breaks {Count(outcomes.Broken.Count, "test")} that passed on the base commit: {List(outcomes.Broken)}");
        }

        if (outcomes.StillFailing.Count > 0)
        {
            var strict = config.Baseline == BaselineMode.Strict;
            var text = $"{Count(outcomes.StillFailing.Count, "test")} that already failed on the base commit still fail: {List(outcomes.StillFailing)}";
            (strict ? problems : notes).Add(strict ? text : text + " (not this change's doing, so not blamed)");
        }

        if (outcomes.AddedFailing.Count > 0)
        {
            problems.Add($"{Count(outcomes.AddedFailing.Count, "new test")} fail{(outcomes.AddedFailing.Count == 1 ? "s" : "")}: {List(outcomes.AddedFailing)}");
        }
    }

    private sealed record TestComparison(
        List<string> Broken, List<string> StillFailing, List<KeyValuePair<string, TestOutcome>> Added, List<string> AddedFailing);

    private static void JudgeCoverage(
        CoverageData? coverage,
        GateBaseline baseline,
        GateConfig config,
        IReadOnlyDictionary<string, IReadOnlySet<int>> patch,
        StageUsage usage,
        List<string> problems,
        List<string> notes)
    {
        if (coverage is null)
        {
            problems.Add($"coverage.py wrote no data for '{config.SourcePackage}' (is \"sourcePackage\" in {GateConfig.RelativePath} right?)");
            return;
        }

        var total = coverage.TotalPercent;
        usage.SetExtra("coverage_percent", Math.Round(total, 2));
        var (statements, uncovered) = PatchCoverage(coverage, patch);
        var missed = uncovered.Sum(u => u.Lines.Count);
        if (statements > 0)
        {
            var percent = 100.0 * (statements - missed) / statements;
            usage.SetExtra("patch_coverage_percent", Math.Round(percent, 2));
            var text = string.Create(CultureInfo.InvariantCulture, $"patch coverage {percent:0.##}% of the {Count(statements, "statement")} the change adds or modifies");
            if (percent < config.PatchCoverageFloor)
            {
                problems.Add(text + $" is under {config.PatchCoverageFloor}%; lines no test runs: " +
                    string.Join(", ", uncovered.Select(u => $"{u.File} {Ranges(u.Lines)}")));
            }
            else
            {
                notes.Add(text);
            }
        }

        // The drop is judged on the lines the change did not add: its own lines are judged by patch coverage above, and
        // a few untested new lines in a small project would otherwise move the total by more than any margin.
        var before = baseline.Coverage.TotalPercent;
        var kept = KeptLinesPercent(coverage, patch);
        var totals = string.Create(CultureInfo.InvariantCulture,
            $"total coverage {total:0.##}% (base commit {before:0.##}%; {kept:0.##}% on the lines the change did not add)");
        if (kept < before - config.CoverageDropMargin)
        {
            problems.Add(totals + string.Create(CultureInfo.InvariantCulture,
                $" fell by more than the {config.CoverageDropMargin:0.##} points coverageDropMargin allows: the change leaves code that was tested untested"));
        }
        else if (config.CoverageFloor is { } floor && total < floor)
        {
            problems.Add(totals + $" is under the coverageFloor of {floor}%");
        }
        else
        {
            notes.Add(totals);
        }
    }

    private static double KeptLinesPercent(CoverageData coverage, IReadOnlyDictionary<string, IReadOnlySet<int>> patch)
    {
        var statements = 0;
        var executed = 0;
        foreach (var (file, measured) in coverage.Files)
        {
            var added = patch.GetValueOrDefault(file);
            statements += measured.Statements.Count(l => added?.Contains(l) != true);
            executed += measured.Executed.Count(l => added?.Contains(l) != true);
        }

        return statements == 0 ? 100 : 100.0 * executed / statements;
    }

    private static (int Statements, List<(string File, List<int> Lines)> Uncovered) PatchCoverage(
        CoverageData coverage, IReadOnlyDictionary<string, IReadOnlySet<int>> patch)
    {
        var statements = 0;
        var uncovered = new List<(string, List<int>)>();
        foreach (var (file, lines) in patch.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!coverage.Files.TryGetValue(file, out var measured))
            {
                continue;
            }

            var changed = measured.Statements.Where(lines.Contains).ToList();
            statements += changed.Count;
            var executed = measured.Executed.ToHashSet();
            var missed = changed.Where(l => !executed.Contains(l)).ToList();
            if (missed.Count > 0)
            {
                uncovered.Add((file, missed));
            }
        }

        return (statements, uncovered);
    }

    private static string Ranges(List<int> lines)
    {
        var parts = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var start = lines[i];
            while (i + 1 < lines.Count && lines[i + 1] == lines[i] + 1)
            {
                i++;
            }

            parts.Add(start == lines[i] ? $"line {start}" : $"lines {start}-{lines[i]}");
        }

        return string.Join(", ", parts);
    }

    private static string Name(TestOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string List(List<string> ids) =>
        ids.Count <= 10 ? string.Join(", ", ids) : string.Join(", ", ids.Take(10)) + $" and {ids.Count - 10} more";
}
