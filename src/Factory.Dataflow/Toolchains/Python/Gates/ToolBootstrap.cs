namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// Starts a Python tool so that nothing in the worktree can replace it. <c>python -m pytest</c> puts the working folder
/// first on <c>sys.path</c> before pytest is imported, so a <c>pytest.py</c>, <c>_pytest/</c>, <c>coverage/</c> or
/// <c>mypy/</c> written by BUILD would run instead of the tool (and could report anything). Here the interpreter starts
/// isolated (<c>-I</c>: no working folder on <c>sys.path</c>, no <c>PYTHON*</c> variables, no user site), imports the
/// tool and the modules it loads later (plugins, report writers) from its own installation, and only then appends the
/// working folder to <c>sys.path</c> (pytest and coverage import the project's code from there, as under <c>-m</c>;
/// appended, so an installed module keeps winning over a worktree file of the same name).
/// </summary>
internal static class ToolBootstrap
{
    /// <summary>The tools a configured command may name bare, which run as modules of the gates' interpreter.</summary>
    private static readonly Dictionary<string, string[]> s_preloads = new(StringComparer.Ordinal)
    {
        ["pytest"] =
        [
            "pytest", "_pytest.main", "_pytest.config", "_pytest.junitxml", "_pytest.python", "_pytest.runner", "pluggy",
            "pytest_cov", "pytest_cov.plugin", "pytest_cov.engine", "coverage", "coverage.control", "coverage.jsonreport",
            "coverage.report", "json", "sqlite3", "xml.etree.ElementTree",
        ],
        ["coverage"] = ["coverage", "coverage.cmdline", "coverage.control", "coverage.jsonreport", "coverage.report", "json", "sqlite3"],
        ["mypy"] = ["mypy", "mypy.main", "mypy.build", "mypy.api"],
    };

    // -I: isolated (no cwd on sys.path, PYTHON* ignored); -B and -u stand in for the PYTHONDONTWRITEBYTECODE and
    // PYTHONUNBUFFERED the sandbox sets, which -I ignores.
    private const string Script = """
        import importlib, importlib.util, os, runpy, sys
        tool, worktree_imports, preload = sys.argv[1], sys.argv[2] == "1", sys.argv[3].split(",")
        del sys.argv[1:4]
        if importlib.util.find_spec(tool) is None:
            sys.stderr.write(f"{sys.executable}: No module named {tool}\n")
            sys.exit(1)
        for name in preload:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        if worktree_imports:
            sys.path.append(os.getcwd())
        runpy.run_module(tool, run_name="__main__", alter_sys=True)
        """;

    public static bool IsPythonTool(string tool) => s_preloads.ContainsKey(tool);

    /// <summary>The modules <see cref="Arguments"/> imports before <paramref name="module"/> runs.</summary>
    public static IReadOnlyList<string> Preloads(string module) => s_preloads.GetValueOrDefault(module) ?? [module];

    /// <summary>
    /// Reads back what <see cref="Arguments"/> made: the module, whether it imports from the worktree, and the tool's own
    /// arguments; false for any other command line.
    /// </summary>
    public static bool TryRead(IReadOnlyList<string> arguments, out string module, out bool worktreeImports, out IReadOnlyList<string> rest)
    {
        var ours = arguments.Count >= 8 && arguments[3] == "-c" && arguments[4] == Script;
        module = ours ? arguments[5] : "";
        worktreeImports = ours && arguments[6] == "1";
        rest = ours ? [.. arguments.Skip(8)] : [];
        return ours;
    }

    /// <summary>The interpreter's arguments that run <paramref name="module"/> isolated; the tool's own arguments follow.</summary>
    public static IReadOnlyList<string> Arguments(string module)
    {
        var preload = s_preloads.GetValueOrDefault(module) ?? [module];

        // mypy reads the code it checks as files, never imports it: it needs no worktree on sys.path at all.
        var worktreeImports = module == "mypy" ? "0" : "1";
        return ["-I", "-B", "-u", "-c", Script, module, worktreeImports, string.Join(',', preload)];
    }
}
