namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// Looks at a Python repository without running anything and describes it (<see cref="PythonProject"/>): packages and
/// layout, test folders and modules, pytest's rootdir and configuration file as the TEST gate meets them, the
/// configuration of mypy, ruff and coverage, the web framework, conftest fixtures, the outside services the code
/// depends on, and the tests that cannot run here with the reason. Used by SCOUT and TEST for their prompts, and by
/// <c>factory init</c> to write a configuration.
/// </summary>
/// <example><code>var project = PythonProjectDetector.Detect("/src/app");  // or pass git's tracked files</code></example>
public static partial class PythonProjectDetector
{
    /// <summary>Settings files at the root pytest can take its options from with <c>-c</c>.</summary>
    private static readonly string[] RootSettingsFiles = ["pyproject.toml", "setup.cfg", "tox.ini"];

    /// <summary>Describes the repository at <paramref name="root"/>.</summary>
    /// <param name="root">The repository's root folder.</param>
    /// <param name="files">Its files, repository-relative (e.g. <c>git ls-files</c>); null to walk the folder, skipping virtual environments and caches.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    public static PythonProject Detect(string root, IEnumerable<string>? files = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The repository folder '{root}' does not exist.");
        }

        var project = new ProjectFiles(root, files);
        var notes = new List<string>();
        var pyproject = ReadPyproject(project, "pyproject.toml", notes);
        var testModules = TestModules(project, notes);
        var testFolders = TestFolders(testModules);
        var pytest = Pytest(project, testFolders, []);
        if (pytest.TestPaths.Count > 0)
        {
            // pytest collects only its testpaths; tests elsewhere belong to something else (a sub-project, fixtures).
            testModules = [.. testModules.Where(m => pytest.TestPaths.Any(t => PythonProjectDescription.Under(m, t) || m == t))];
            testFolders = TestFolders(testModules);
        }

        pytest = Pytest(project, testFolders, notes);
        var (layout, packages) = Packages(project, testFolders, notes);
        var framework = Framework(project, packages, pyproject);
        var fixtures = Fixtures(project, testFolders);
        var services = Services(project, packages, pyproject);
        var exclusions = Exclusions(project, testModules, testFolders, services, fixtures);
        var runnable = testModules.Where(m => !exclusions.Exists(e => PythonProjectDescription.Under(m, e.Path) || m == e.Path)).ToList();
        AddLayoutNotes(project, layout, packages, pytest, notes);
        return new PythonProject
        {
            Layout = layout,
            Packages = packages,
            TestFolders = testFolders,
            TestModules = testModules,
            Pytest = pytest,
            Mypy = Mypy(project, pyproject, notes),
            Ruff = Ruff(project, pyproject, notes),
            Coverage = Coverage(project, pyproject),
            Framework = framework,
            Fixtures = fixtures,
            ExampleTest = Example(project, runnable, framework),
            TestConventions = Conventions(project, testFolders, runnable, framework, fixtures),
            Services = services,
            Exclusions = exclusions,
            ImportRootsOffPath = [.. packages.Select(p => p.ImportRoot).Distinct(StringComparer.Ordinal).Where(r => r != "." && !pytest.PythonPath.Contains(r))],
            RootConfigFiles = [.. RootSettingsFiles.Where(project.Exists)],
            Notes = notes,
        };
    }

    private static PyprojectDocument? ReadPyproject(ProjectFiles project, string path, List<string> notes)
    {
        if (!project.Exists(path) || project.Read(path) is not { } text)
        {
            return null;
        }

        var document = PyprojectDocument.Parse(text, out var problem);
        if (document is null)
        {
            notes.Add($"{path} is not valid TOML ({problem}); its settings were not read");
        }

        return document;
    }

    private static IniDocument? ReadIni(ProjectFiles project, string path) =>
        project.Exists(path) && project.Read(path) is { } text ? IniDocument.Parse(text) : null;

    private static string Folder(string path) => Path.GetDirectoryName(path)?.Replace('\\', '/') is { Length: > 0 } folder ? folder : ".";

    private static string Join(string folder, string relative)
    {
        var combined = folder == "." ? relative : $"{folder}/{relative}";
        var parts = new List<string>();
        foreach (var part in combined.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return parts.Count == 0 ? "." : string.Join('/', parts);
    }
}
