namespace Factory.Dataflow.Toolchains.Python.Detection;

public static partial class PythonProjectDetector
{
    /// <summary>Root folders that hold something other than the project's importable code.</summary>
    private static readonly HashSet<string> NotCode = new(StringComparer.Ordinal)
    {
        "tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "migrations", "alembic", "scripts",
    };

    /// <summary>Root modules that are tooling, not the project's code.</summary>
    private static readonly HashSet<string> ToolingModules = new(StringComparer.Ordinal)
    {
        "setup.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py", "manage.py", "tests.py", "wsgi.py", "asgi.py",
    };

    /// <summary>Folders whose tests belong to documentation or examples, not to the project.</summary>
    private static readonly HashSet<string> NotProjectTests = new(StringComparer.Ordinal) { "examples", "example", "docs", "doc" };

    private static List<string> TestModules(ProjectFiles project, List<string> notes)
    {
        var all = project.All.Where(IsTestModule).ToList();
        var elsewhere = all.Where(m => m.Split('/')[..^1].Any(NotProjectTests.Contains)).ToList();
        if (elsewhere.Count > 0 && elsewhere.Count < all.Count)
        {
            notes.Add($"{elsewhere.Count} test modules under examples or docs ({string.Join(", ", elsewhere.Select(TestRoot).Distinct().Take(3))}) belong to those, not to the project's suite");
            all = [.. all.Except(elsewhere)];
        }

        if (all.Count == 0 && project.All.FirstOrDefault(p => p is "tests.py" or "test.py" || p.EndsWith("/tests.py", StringComparison.Ordinal)) is { } unnamed)
        {
            notes.Add($"{unnamed} holds tests, but pytest collects only test_*.py and *_test.py by default; run it by name or rename it");
        }

        return all;
    }

    private static bool IsTestModule(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.EndsWith(".py", StringComparison.Ordinal) && (name.StartsWith("test_", StringComparison.Ordinal) || name.EndsWith("_test.py", StringComparison.Ordinal));
    }

    /// <summary>Each test module's test root (its highest folder named tests, test or testing, or its own folder), most modules first.</summary>
    private static List<string> TestFolders(List<string> testModules) =>
        [.. testModules.Select(TestRoot).GroupBy(f => f, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key)];

    private static string TestRoot(string module)
    {
        var parts = module.Split('/')[..^1];
        var index = Array.FindIndex(parts, p => p is "tests" or "test" or "testing");
        return index >= 0 ? string.Join('/', parts[..(index + 1)]) : Folder(module);
    }

    private static (SourceLayout, List<PythonPackage>) Packages(ProjectFiles project, List<string> testFolders, List<string> notes)
    {
        bool InTests(string path) => testFolders.Exists(f => f != "." && PythonProjectDescription.Under(path, f));

        var src = project.All
            .Where(p => p.StartsWith("src/", StringComparison.Ordinal) && p.Count(c => c == '/') == 2 && p.EndsWith("/__init__.py", StringComparison.Ordinal))
            .Select(p => Folder(p))
            .Where(p => !InTests(p))
            .Select(p => new PythonPackage(p[4..], p, IsModule: false))
            .ToList();
        if (src.Count > 0)
        {
            return (SourceLayout.Src, src);
        }

        var flat = project.All
            .Where(p => p.Count(c => c == '/') == 1 && p.EndsWith("/__init__.py", StringComparison.Ordinal))
            .Select(p => Folder(p))
            .Where(p => !NotCode.Contains(p) && !p.StartsWith('.') && !InTests(p))
            .Select(p => new PythonPackage(p, p, IsModule: false))
            .ToList();
        if (flat.Count > 0)
        {
            return (SourceLayout.Flat, flat);
        }

        var modules = project.All
            .Where(p => !p.Contains('/', StringComparison.Ordinal) && p.EndsWith(".py", StringComparison.Ordinal) && !ToolingModules.Contains(p) && !IsTestModule(p))
            .Select(p => new PythonPackage(p[..^3], p, IsModule: true))
            .ToList();
        if (modules.Count > 0)
        {
            return (SourceLayout.Flat, modules);
        }

        var nested = project.All.Where(p => p.EndsWith("/pyproject.toml", StringComparison.Ordinal) || p.EndsWith("/setup.py", StringComparison.Ordinal))
            .OrderBy(p => p.Count(c => c == '/')).FirstOrDefault();
        notes.Add(nested is null
            ? "no Python package or module found at the root or under src/"
            : $"no Python package at the root or under src/; the Python project seems to live in {Folder(nested)}/ ({nested})");
        return (SourceLayout.Unknown, []);
    }

    private static void AddLayoutNotes(ProjectFiles project, SourceLayout layout, List<PythonPackage> packages, PytestSettings pytest, List<string> notes)
    {
        if (layout != SourceLayout.Src)
        {
            return;
        }

        // pytest puts the rootdir's conftest folders on sys.path, never src/: the package must be installed or on the path.
        if (!pytest.PythonPath.Contains("src"))
        {
            var installed = project.Exists("setup.py") || project.Exists("pyproject.toml") || project.Exists("setup.cfg");
            notes.Add($"src/ layout: {string.Join(", ", packages.Select(p => p.Name))} imports only with src on the path, and pytest's " +
                "pythonpath does not include src" + (installed ? " (it works when the project is installed, e.g. pip install -e .)" : "") +
                "; the gates need PYTHONPATH=src");
        }
    }
}
