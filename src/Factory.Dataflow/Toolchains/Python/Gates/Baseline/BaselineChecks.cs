using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Dataflow.Toolchains.Python.Gates.Baseline;

/// <summary>
/// Reads the base commit's gate runs, and turns a run that says the gate itself cannot work here (a missing path, a
/// command the tool refuses, a missing tool, no tests collected where tests exist) into an environment error that
/// names the setting to fix, before any model is asked anything.
/// </summary>
internal static class BaselineChecks
{
    public static IReadOnlyList<Finding> Findings(
        SandboxResult result, IReadOnlyList<string> command, string root, GateOptions options, string setting)
    {
        var label = GateCommands.Label(command);
        GateCommands.ThrowIfToolMissing(result, command, options);
        if (result.TimedOut)
        {
            throw new GateEnvironmentException(
                $"'{label}' did not finish on the base commit within {options.ValidateTimeout.TotalSeconds:0} s. Raise " +
                $"GateOptions.ValidateTimeout (Factory__Gates__ValidateTimeout), or narrow \"{setting}\" in {GateConfig.RelativePath}.\n{result.Output}");
        }

        var findings = FindingParser.Parse(result.Output, root);
        if (result.ExitCode is not (0 or 1) || (result.ExitCode == 1 && findings.Count == 0))
        {
            var why = result.ExitCode is 0 or 1
                ? "it failed without a finding Factory can read (one 'path:line: message' a line)"
                : $"it exited {result.ExitCode}, which is the tool's own error, not a finding";
            throw new GateEnvironmentException(
                $"'{label}' cannot run on the base commit: {why}. Set \"{setting}\" in {GateConfig.RelativePath} to a command " +
                $"that works on this repository{(setting == "typeCheck" ? " (by default it is mypy <sourcePackage>; e.g. [\"mypy\", \"src/yourpackage\"])" : "")}. " +
                $"Its output:\n{result.Output.Trim()}");
        }

        return findings;
    }

    public static IReadOnlyDictionary<string, TestOutcome> Tests(PytestResult tests, GateConfig config, string root, GateOptions options)
    {
        var run = tests.Run;
        var label = GateCommands.Label(config.Test);
        if (run.TimedOut)
        {
            throw new GateEnvironmentException(
                $"The base commit's tests ('{label}' on {string.Join(", ", config.EffectiveTestFolders)}) did not finish within " +
                $"{options.TestTimeout.TotalSeconds:0} s. Raise GateOptions.TestTimeout (Factory__Gates__TestTimeout), or narrow " +
                $"\"testFolders\" in {GateConfig.RelativePath}.\n{run.Output.Trim()}");
        }

        if (run.ExitCode == PytestRun.UsageError)
        {
            throw new GateEnvironmentException(UsageProblem(run.Output, config, root, options));
        }

        if (run.ExitCode == PytestRun.InternalError && run.Output.Contains("Read-only file system", StringComparison.Ordinal))
        {
            throw new GateEnvironmentException(
                $"pytest failed on the base commit because something writes into the repository's folder, which the gates keep " +
                $"read-only (often the project's own addopts, such as --cov-report html:htmlcov). Set \"test\" in " +
                $"{GateConfig.RelativePath} to run without it, e.g. [\"pytest\", \"-o\", \"addopts=\"] (Factory adds its own coverage " +
                $"options).\n{run.Output.Trim()}");
        }

        if (run.ExitCode == PytestRun.InternalError)
        {
            throw new GateEnvironmentException(
                $"pytest failed on its own on the base commit (internal error, exit 3). Check \"test\" in {GateConfig.RelativePath} " +
                $"and the project's pytest settings.\n{run.Output.Trim()}");
        }

        var outcomes = tests.Tests ?? throw new GateEnvironmentException(
            $"pytest wrote no report on the base commit (exit {run.ExitCode}). Check \"test\" in {GateConfig.RelativePath}.\n{run.Output.Trim()}");
        var testFiles = TestFilesIn(root, config.EffectiveTestFolders);
        if (outcomes.Count == 0 && testFiles.Count > 0)
        {
            throw new GateEnvironmentException(
                $"pytest collected no tests from {string.Join(", ", config.EffectiveTestFolders)} on the base commit, though it holds " +
                $"test files ({string.Join(", ", testFiles.Take(3))}). Set \"testFolders\" and \"test\" in {GateConfig.RelativePath} so " +
                $"that pytest finds them (the project's pytest settings may point elsewhere).\n{run.Output.Trim()}");
        }

        if (outcomes.Count > 0 && outcomes.Values.All(o => o == TestOutcome.Error))
        {
            throw new GateEnvironmentException(
                $"None of the base commit's {outcomes.Count} tests could run: each is an error (a module that cannot be imported, " +
                $"a missing fixture). Install the project's test dependencies for {options.PythonInterpreter} (apt-get install " +
                $"python3-NAME), or set \"testFolders\" and \"test\" in {GateConfig.RelativePath}.\n{run.Output.Trim()}");
        }

        // Tests that pass without running a line of the measured source are testing something else: most often an
        // installed copy of the package (a src/ layout that is not on sys.path), which would then be judged instead.
        if (outcomes.Values.Any(o => o == TestOutcome.Passed) && tests.Coverage is { } coverage &&
            coverage.Files.Values.All(f => f.Executed.Count == 0))
        {
            throw new GateEnvironmentException(
                $"The base commit's tests pass without running any code of \"sourcePackage\" ('{config.SourcePackage}'): they import " +
                $"something else, such as an installed copy of the package. Put the repository's code first on the tests' path (for a " +
                $"src/ layout, set \"test\" in {GateConfig.RelativePath} to [\"pytest\", \"-o\", \"pythonpath=src\"]), or set " +
                $"\"sourcePackage\" to the code the tests run.\n{run.Output.Trim()}");
        }

        return outcomes;
    }

    private static string UsageProblem(string output, GateConfig config, string root, GateOptions options)
    {
        if (output.Contains("file or directory not found", StringComparison.Ordinal))
        {
            var found = TestFoldersIn(root);
            return $"pytest cannot run on the base commit: {FirstLine(output, "file or directory not found")}. Set \"testFolders\" " +
                $"in {GateConfig.RelativePath} to where this repository's tests are" +
                (found.Count > 0 ? $" (test files are in: {string.Join(", ", found)})." : " (it has no test_*.py files).") +
                $"\n{output.Trim()}";
        }

        if (output.Contains("--cov", StringComparison.Ordinal) && output.Contains("unrecognized arguments", StringComparison.Ordinal))
        {
            return $"pytest-cov is not installed for {options.PythonInterpreter}: install it (apt-get install python3-pytest-cov, " +
                $"or run scripts/setup-gates.sh).\n{output.Trim()}";
        }

        return $"pytest cannot run on the base commit (usage error, exit 4). Check \"test\" and \"testFolders\" in " +
            $"{GateConfig.RelativePath} and the project's pytest settings.\n{output.Trim()}";
    }

    private static string FirstLine(string output, string containing) =>
        output.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal))?.Trim() ?? containing;

    private static List<string> TestFilesIn(string root, IReadOnlyList<string> folders) =>
        [.. folders.Select(f => Path.Combine(root, f)).Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFiles(f, "*.py", SearchOption.AllDirectories))
            .Where(PythonFiles.Instance.IsTestFileName)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Folders holding test files, shallowest first, for the message that says where tests are.</summary>
    private static List<string> TestFoldersIn(string root) =>
        [.. Directory.EnumerateFiles(root, "*.py", SearchOption.AllDirectories)
            .Where(PythonFiles.Instance.IsTestFileName)
            .Select(f => Path.GetRelativePath(root, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(s => s.StartsWith('.') || s is "node_modules" or "venv" or "site-packages"))
            .Distinct()
            .OrderBy(f => f.Count(c => c == '/')).ThenBy(f => f, StringComparer.Ordinal)
            .Take(5)];
}
