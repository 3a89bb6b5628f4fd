namespace Factory.Dataflow.Workspace;

/// <summary>
/// Files that decide which tool runs or how it judges, protected from BUILD and TEST at any depth whatever the
/// repository's <c>protectedPaths</c> say (only its <c>writable</c> list may open one, and never Factory's own settings):
/// test and tool configuration (ini and cfg files, <c>pyproject.toml</c>, ruff's, pytest's and coverage's files,
/// <c>conftest.py</c>), what Python runs at start-up (<c>*.pth</c>, <c>sitecustomize.py</c>, <c>usercustomize.py</c>),
/// compiled or stub stand-ins for a module (<c>__pycache__</c>, <c>*.pyc</c>, <c>*.pyi</c>), git's control files
/// (<c>.gitattributes</c>, <c>.gitignore</c>, <c>.gitmodules</c>) and Factory's own settings (<c>.factory/</c>,
/// <c>appsettings*.json</c>).
/// </summary>
internal static class ProtectedConfiguration
{
    private static readonly HashSet<string> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        "pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml", "mypy.ini",
        ".mypy.ini", "ruff.toml", ".ruff.toml", ".coveragerc", "conftest.py", "sitecustomize.py", "usercustomize.py",
        ".gitattributes", ".gitignore", ".gitmodules",
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

    /// <summary>Factory's own settings: never writable, whatever the repository's configuration says.</summary>
    public static bool IsFactorySetting(string relative)
    {
        var segments = relative.Split('/');
        var name = segments[^1];
        return segments.Contains(".factory", StringComparer.OrdinalIgnoreCase) ||
            (name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why <paramref name="relative"/> configures the tools or their judgement, or null when it does not.</summary>
    public static string? Reason(string relative)
    {
        var segments = relative.Split('/');
        var name = segments[^1];
        if (IsFactorySetting(relative))
        {
            return "Factory's own settings";
        }

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
