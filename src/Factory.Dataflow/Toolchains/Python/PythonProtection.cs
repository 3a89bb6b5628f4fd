namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// Python's files that decide which tool runs or how it judges, protected at any depth: test and tool configuration
/// (ini and cfg files, <c>pyproject.toml</c>, ruff's, pytest's and coverage's files, <c>conftest.py</c>), what Python
/// runs at start-up (<c>*.pth</c>, <c>sitecustomize.py</c>, <c>usercustomize.py</c>) and compiled or stub stand-ins for a
/// module (<c>__pycache__</c>, <c>*.pyc</c>, <c>*.pyi</c>).
/// </summary>
internal sealed class PythonProtection : IToolchainProtection
{
    private static readonly HashSet<string> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        "pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml", "mypy.ini",
        ".mypy.ini", "ruff.toml", ".ruff.toml", ".coveragerc", "conftest.py", "sitecustomize.py", "usercustomize.py",
    };

    private static readonly Dictionary<string, string> s_extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".ini"] = "an ini file configures tools",
        [".cfg"] = "a cfg file configures tools",
        [".pth"] = "Python runs .pth files at start-up",
        [".pyc"] = "Python runs compiled files instead of their source",
        [".pyo"] = "Python runs compiled files instead of their source",
        [".pyi"] = "a type stub decides what mypy sees of a module",
    };

    private PythonProtection()
    {
    }

    /// <summary>The one instance.</summary>
    public static PythonProtection Instance { get; } = new();

    /// <inheritdoc />
    public IReadOnlyList<string> DefaultProtectedPaths { get; } =
    [
        "pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", "mypy.ini", ".mypy.ini", "ruff.toml", ".ruff.toml", ".coveragerc",
        "conftest.py",
    ];

    /// <inheritdoc />
    public string? Reason(string relative)
    {
        var segments = relative.Split('/');
        var name = segments[^1];
        if (s_names.Contains(name))
        {
            return $"{name} configures the tools or how they judge";
        }

        if (segments.Contains("__pycache__", StringComparer.OrdinalIgnoreCase))
        {
            return "Python runs compiled files from __pycache__ instead of their source";
        }

        return s_extensions.TryGetValue(Path.GetExtension(name), out var why) ? why : null;
    }
}
