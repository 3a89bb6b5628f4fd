using Tomlyn.Model;

namespace Factory.Dataflow.Toolchains.Python.Detection;

public static partial class PythonProjectDetector
{
    private static readonly string[] MypyOptions = ["files", "packages", "mypy_path", "strict", "ignore_missing_imports", "exclude", "python_version"];
    private static readonly string[] RuffOptions = ["src", "select", "extend-select", "ignore", "line-length", "exclude", "extend", "target-version"];
    private static readonly string[] CoverageOptions = ["source", "omit", "include", "branch"];

    /// <summary>
    /// pytest's rootdir and configuration file the way pytest finds them when the gate runs <c>pytest &lt;test folder&gt;</c>:
    /// the first of pytest.ini, .pytest.ini, pyproject.toml [tool.pytest.ini_options], tox.ini [pytest], setup.cfg
    /// [tool:pytest] in the test folder or a folder above it; otherwise the folder of a setup.py or pyproject.toml above it;
    /// otherwise the test folder itself.
    /// </summary>
    private static PytestSettings Pytest(ProjectFiles project, List<string> testFolders, List<string> notes)
    {
        var start = CommonAncestor(testFolders);
        var all = project.All.Where(p => PytestConfigSection(project, p) is not null).ToList();
        for (var folder = start; ; folder = Folder(folder))
        {
            foreach (var name in new[] { "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg" })
            {
                var path = folder == "." ? name : $"{folder}/{name}";
                if (PytestConfigSection(project, path) is { } read)
                {
                    var settings = PytestFrom(path, folder, read, [.. all.Where(p => p != path)]);
                    if (folder != ".")
                    {
                        notes.Add($"pytest takes its configuration from {path} only when run with {start} as its argument; its rootdir is then {folder}" +
                            (settings.PythonPath.Count > 0 ? $" and pythonpath resolves to {string.Join(" ", settings.PythonPath)}" : ""));
                    }

                    return settings;
                }
            }

            if (folder == ".")
            {
                break;
            }
        }

        var rootdir = project.Exists("setup.py") || project.Exists("pyproject.toml") ? "." : start;
        return new PytestSettings(null, rootdir, [], [], null, all);
    }

    /// <summary>The deepest folder holding every one of <paramref name="folders"/>; "." when there are none.</summary>
    private static string CommonAncestor(List<string> folders)
    {
        if (folders.Count == 0 || folders.Contains("."))
        {
            return ".";
        }

        var common = folders[0].Split('/');
        foreach (var folder in folders.Skip(1))
        {
            var parts = folder.Split('/');
            var length = 0;
            while (length < common.Length && length < parts.Length && common[length] == parts[length])
            {
                length++;
            }

            common = common[..length];
        }

        return common.Length == 0 ? "." : string.Join('/', common);
    }

    private static PytestSettings PytestFrom(string path, string folder, Func<string, string?> option, IReadOnlyList<string> others) =>
        new(
            path,
            folder,
            [.. IniDocument.Words(option("testpaths")).Select(p => Join(folder, p))],
            [.. IniDocument.Words(option("pythonpath")).Select(p => Join(folder, p))],
            option("addopts"),
            others,
            [.. (option("filterwarnings") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);

    /// <summary>A reader of the pytest options in <paramref name="path"/>, or null when it holds no pytest configuration.</summary>
    private static Func<string, string?>? PytestConfigSection(ProjectFiles project, string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (!project.Exists(path))
        {
            return null;
        }

        switch (name)
        {
            case "pytest.ini" or ".pytest.ini":
                var ini = ReadIni(project, path);
                return key => ini?.Get("pytest", key);
            case "tox.ini" or "setup.cfg":
                var section = name == "tox.ini" ? "pytest" : "tool:pytest";
                var cfg = ReadIni(project, path);
                return cfg?.HasSection(section) == true ? key => cfg.Get(section, key) : null;
            case "pyproject.toml":
                var table = ReadPyproject(project, path, [])?.Table("tool.pytest.ini_options");
                return table is null ? null : key => PyprojectDocument.Strings(table, key) is { Count: > 0 } values ? string.Join('\n', values) : null;
            default:
                return null;
        }
    }

    private static ToolSettings? Mypy(ProjectFiles project, PyprojectDocument? pyproject, List<string> notes)
    {
        foreach (var name in new[] { "mypy.ini", ".mypy.ini" })
        {
            if (ReadIni(project, name) is { } ini && ini.HasSection("mypy"))
            {
                return FromIni("mypy", name, ini, "mypy", MypyOptions);
            }
        }

        if (pyproject?.Table("tool.mypy") is { } table)
        {
            return FromToml("mypy", "pyproject.toml", "[tool.mypy]", table, MypyOptions);
        }

        if (ReadIni(project, "setup.cfg") is { } setup && setup.HasSection("mypy"))
        {
            return FromIni("mypy", "setup.cfg", setup, "mypy", MypyOptions);
        }

        if (project.All.Any(p => p.EndsWith("/mypy.ini", StringComparison.Ordinal)))
        {
            notes.Add($"a mypy.ini below the root ({project.All.First(p => p.EndsWith("/mypy.ini", StringComparison.Ordinal))}) is not read when mypy runs from the root");
        }

        return null;
    }

    private static ToolSettings? Ruff(ProjectFiles project, PyprojectDocument? pyproject, List<string> notes)
    {
        foreach (var name in new[] { ".ruff.toml", "ruff.toml" })
        {
            if (project.Exists(name) && ReadPyproject(project, name, notes) is { } ruff)
            {
                return FromRuffTable(name, "(top level)", ruff, "");
            }
        }

        return pyproject?.Table("tool.ruff") is not null ? FromRuffTable("pyproject.toml", "[tool.ruff]", pyproject, "tool.ruff") : null;
    }

    private static ToolSettings FromRuffTable(string file, string section, PyprojectDocument document, string prefix)
    {
        // ruff's lint options moved under [lint]; older files keep them at the top. Read both.
        var top = prefix.Length == 0 ? document.Root : document.Table(prefix);
        var lint = document.Table(prefix.Length == 0 ? "lint" : $"{prefix}.lint");
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var option in RuffOptions)
        {
            var values = PyprojectDocument.Strings(lint, option) is { Count: > 0 } inLint ? inLint : PyprojectDocument.Strings(top, option);
            if (values.Count > 0)
            {
                options[option] = values;
            }
        }

        return new ToolSettings("ruff", file, section, options);
    }

    private static ToolSettings? Coverage(ProjectFiles project, PyprojectDocument? pyproject)
    {
        if (ReadIni(project, ".coveragerc") is { } rc && rc.HasSection("run"))
        {
            return FromIni("coverage", ".coveragerc", rc, "run", CoverageOptions);
        }

        if (pyproject?.Table("tool.coverage.run") is { } table)
        {
            return FromToml("coverage", "pyproject.toml", "[tool.coverage.run]", table, CoverageOptions);
        }

        foreach (var name in new[] { "setup.cfg", "tox.ini" })
        {
            if (ReadIni(project, name) is { } ini && ini.HasSection("coverage:run"))
            {
                return FromIni("coverage", name, ini, "coverage:run", CoverageOptions);
            }
        }

        return null;
    }

    private static ToolSettings FromIni(string tool, string file, IniDocument ini, string section, string[] names)
    {
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (ini.Get(section, name) is { } value)
            {
                options[name] = IniDocument.Items(value);
            }
        }

        return new ToolSettings(tool, file, $"[{section}]", options);
    }

    private static ToolSettings FromToml(string tool, string file, string section, TomlTable table, string[] names)
    {
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (PyprojectDocument.Strings(table, name) is { Count: > 0 } values)
            {
                options[name] = values;
            }
        }

        return new ToolSettings(tool, file, section, options);
    }
}
