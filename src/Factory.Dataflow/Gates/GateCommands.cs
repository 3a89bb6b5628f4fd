using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Gates;

/// <summary>
/// Turns a configured command (<c>["mypy", "app"]</c>) into a sandboxed one: Python tools run as modules of the
/// configured interpreter, ruff runs without a cache in the worktree, and the worktree's .git file, tests and gate
/// configuration are bound read-only.
/// </summary>
internal static class GateCommands
{
    private static readonly HashSet<string> s_pythonModules = new(StringComparer.Ordinal) { "mypy", "pytest", "coverage" };

    public static SandboxCommand Create(
        IReadOnlyList<string> configured, string root, GateConfig config, GateOptions options, TimeSpan timeout)
    {
        var tool = configured[0];
        var rest = configured.Skip(1).ToList();
        string executable;
        List<string> arguments;
        if (s_pythonModules.Contains(tool))
        {
            executable = options.PythonInterpreter;
            arguments = ["-m", tool, .. rest];
        }
        else if (tool is "python" or "python3")
        {
            executable = options.PythonInterpreter;
            arguments = rest;
        }
        else if (tool == "ruff" && rest.Count > 0 && rest[0] == "check" && !rest.Contains("--no-cache"))
        {
            // A native ruff would otherwise write .ruff_cache into the worktree, and it would show in the diff.
            executable = tool;
            arguments = ["check", "--no-cache", .. rest.Skip(1)];
        }
        else
        {
            executable = tool;
            arguments = rest;
        }

        return new SandboxCommand(executable, arguments, root)
        {
            Timeout = timeout,
            ReadOnlyPaths = ReadOnlyPaths(config),
        };
    }

    /// <summary>
    /// What code under test must not rewrite: the whole worktree. The gates write nothing there (caches, coverage data
    /// and temp files go to paths bound writable outside it), so a generated test cannot redirect git through the .git
    /// file, rewrite the tests or gate configuration that judge it, create a conftest.py, or edit the code under review
    /// behind BUILD's back. The named paths are listed too, so they stay protected if the worktree itself is ever writable.
    /// </summary>
    public static IReadOnlyList<string> ReadOnlyPaths(GateConfig config) =>
        [".", ".git", config.TestFolder, .. config.ProtectedPaths.Where(p => p.Length > 0)];

    /// <summary>A display name for feedback labels: the command as the user configured it.</summary>
    public static string Label(IReadOnlyList<string> configured) => string.Join(' ', configured);

    /// <summary>Throws when the output shows the tool itself is missing, which BUILD cannot fix.</summary>
    public static void ThrowIfToolMissing(SandboxResult result, IReadOnlyList<string> configured, GateOptions options)
    {
        var tool = configured[0];
        if (result.ExitCode != 0 && s_pythonModules.Contains(tool) &&
            result.Output.Contains($"No module named {tool}", StringComparison.Ordinal))
        {
            throw new GateEnvironmentException(
                $"{options.PythonInterpreter} has no '{tool}' module. Install the gates' Python packages " +
                "(apt-get install python3-fastapi python3-pytest python3-pytest-cov mypy python3-httpx, or run scripts/setup-gates.sh).");
        }
    }
}
