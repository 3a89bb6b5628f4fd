using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// Turns a configured command (<c>["mypy", "app"]</c>) into a sandboxed one: Python tools start from the configured
/// interpreter isolated from the worktree (see <see cref="ToolBootstrap"/>), ruff runs without a cache in the worktree,
/// and the worktree's .git file, tests and gate configuration are bound read-only.
/// </summary>
internal static class GateCommands
{
    /// <summary>Creates the sandboxed command for <paramref name="configured"/>.</summary>
    /// <param name="configured">The command as configured, with any options the gate adds appended.</param>
    /// <param name="root">The folder the command runs in (a worktree, or an export of the base commit).</param>
    /// <param name="config">The repository's gate configuration (for the read-only paths).</param>
    /// <param name="options">The interpreter.</param>
    /// <param name="timeout">How long it may run.</param>
    public static SandboxCommand Create(
        IReadOnlyList<string> configured, string root, GateConfig config, GateOptions options, TimeSpan timeout)
    {
        var tool = configured[0];
        var rest = configured.Skip(1).ToList();
        string executable;
        List<string> arguments;
        if (ToolBootstrap.IsPythonTool(tool))
        {
            executable = options.PythonInterpreter;
            arguments = [.. ToolBootstrap.Arguments(tool), .. rest];
        }
        else if (tool is "python" or "python3" && rest.Count >= 2 && rest[0] == "-m")
        {
            // `python -m X` would put the worktree first on sys.path before X is imported: start X isolated instead.
            executable = options.PythonInterpreter;
            arguments = [.. ToolBootstrap.Arguments(rest[1]), .. rest.Skip(2)];
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
        [".", ".git", .. config.EffectiveTestFolders, .. config.ProtectedPaths.Where(p => p.Length > 0)];

    /// <summary>A display name for feedback labels: the command as the user configured it.</summary>
    public static string Label(IReadOnlyList<string> configured) => string.Join(' ', configured);

    /// <summary>The Python module a configured command runs (<c>mypy</c>, or X of <c>python -m X</c>), or null.</summary>
    public static string? PythonModule(IReadOnlyList<string> configured) =>
        ToolBootstrap.IsPythonTool(configured[0]) ? configured[0]
        : configured[0] is "python" or "python3" && configured.Count >= 3 && configured[1] == "-m" ? configured[2]
        : null;

    /// <summary>Throws when the output shows the tool itself is missing, which BUILD cannot fix.</summary>
    public static void ThrowIfToolMissing(SandboxResult result, IReadOnlyList<string> configured, GateOptions options)
    {
        if (result.ExitCode == 0)
        {
            return;
        }

        if (PythonModule(configured) is { } module &&
            (result.Output.Contains($"No module named {module}", StringComparison.Ordinal) ||
             result.Output.Contains($"No module named '{module}'", StringComparison.Ordinal)))
        {
            throw new GateEnvironmentException(
                $"{options.PythonInterpreter} has no '{module}' module, which '{Label(configured)}' needs. Install the gates' Python " +
                "packages (apt-get install python3-fastapi python3-pytest python3-pytest-cov mypy python3-httpx, or run " +
                $"scripts/setup-gates.sh), or change the command in {GateConfig.RelativePath}.");
        }
    }
}
