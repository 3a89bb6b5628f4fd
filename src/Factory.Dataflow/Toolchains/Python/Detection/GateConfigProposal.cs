using Factory.Dataflow.Gates;

namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// The gate configuration a <see cref="PythonProject"/> calls for, with why: what <c>factory init</c> writes and what
/// <c>factory run</c> uses in memory when the base commit has no <see cref="GateConfig.RelativePath"/>. Both come from
/// <see cref="For"/>, so a run without a file behaves exactly as a run with the file init would have written.
/// </summary>
/// <param name="Config">The configuration (validated).</param>
/// <param name="Choices">One line per setting that differs from the defaults or needs a reason, e.g. "sourcePackage src/shop: the one package under src/".</param>
/// <param name="LeftOut">What the gates leave out and why, with how to include it.</param>
public sealed record GateConfigProposal(GateConfig Config, IReadOnlyList<string> Choices, IReadOnlyList<string> LeftOut)
{
    /// <summary>The pytest options (with a value) that belong to coverage, which TEST measures itself.</summary>
    private static readonly HashSet<string> CoverageOptionsWithValue = new(StringComparer.Ordinal)
    {
        "--cov-report", "--cov-config", "--cov-fail-under", "--cov-context",
    };

    /// <summary>Proposes the configuration for <paramref name="project"/>.</summary>
    public static GateConfigProposal For(PythonProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var choices = new List<string>();
        var leftOut = new List<string>();

        var (sourcePackage, typeTargets) = Source(project, choices);
        var typeCheck = TypeCheck(project, sourcePackage, typeTargets, choices);
        var testFolders = TestFolders(project, choices, leftOut);
        var test = Test(project, choices, leftOut);
        var config = new GateConfig
        {
            SourcePackage = sourcePackage,
            TestFolders = testFolders,
            TypeCheck = typeCheck,
            Test = test,
        }.Validated();
        return new GateConfigProposal(config, choices, leftOut);
    }

    /// <summary>The one or two lines <c>factory run</c> prints when it uses this proposal.</summary>
    public string Summary()
    {
        var config = Config;
        var line = $"sourcePackage {config.SourcePackage}, tests in {string.Join(", ", config.EffectiveTestFolders.Select(f => f + "/"))}, " +
            $"typeCheck '{string.Join(' ', config.EffectiveTypeCheck)}', test '{string.Join(' ', config.Test)}'";
        return LeftOut.Count == 0 ? line : $"{line}\nleft out: {string.Join("; ", LeftOut)}";
    }

    private static (string SourcePackage, IReadOnlyList<string>? TypeTargets) Source(PythonProject project, List<string> choices)
    {
        var packages = project.Packages;
        if (packages.Count == 0)
        {
            choices.Add($"sourcePackage {GateConfig.Default.SourcePackage}: the default, as no Python package or module was found at the root or under src/");
            return (GateConfig.Default.SourcePackage, null);
        }

        if (packages.Count == 1)
        {
            var only = packages[0];
            if (only.IsModule)
            {
                // coverage measures a module by its import name; mypy needs its file.
                choices.Add($"sourcePackage {only.Name}: the one module, {only.Path}");
                return (only.Name, [only.Path]);
            }

            choices.Add($"sourcePackage {only.Path}: the one package{(project.Layout == SourceLayout.Src ? " under src/" : "")}");
            return (only.Path, null);
        }

        if (project.Layout == SourceLayout.Src)
        {
            choices.Add($"sourcePackage src: the packages under src/ ({string.Join(", ", packages.Select(p => p.Name))})");
            return ("src", null);
        }

        // coverage measures one folder; the type checker sees them all.
        var first = packages.FirstOrDefault(p => !p.IsModule) ?? packages[0];
        choices.Add($"sourcePackage {(first.IsModule ? first.Name : first.Path)}: the first of {packages.Count} packages and modules " +
            $"({string.Join(", ", packages.Select(p => p.Path))}); coverage measures only it, the type checker sees them all");
        return (first.IsModule ? first.Name : first.Path, [.. packages.Select(p => p.Path)]);
    }

    private static IReadOnlyList<string>? TypeCheck(PythonProject project, string sourcePackage, IReadOnlyList<string>? targets, List<string> choices)
    {
        if (project.Mypy is { } mypy && (mypy.Get("files").Count > 0 || mypy.Get("packages").Count > 0))
        {
            choices.Add($"typeCheck mypy: the project's own {(mypy.Get("files").Count > 0 ? "files" : "packages")} setting in {mypy.ConfigFile} says what to check");
            return ["mypy"];
        }

        return targets is null ? null : ["mypy", .. targets];
    }

    private static List<string> TestFolders(PythonProject project, List<string> choices, List<string> leftOut)
    {
        var folders = project.TestFolders.Where(f => f != ".").ToList();
        if (project.TestFolders.Contains("."))
        {
            leftOut.Add("test modules at the repository root are not run: the gates run test folders; move them into one to include them");
        }

        if (folders.Count == 0)
        {
            choices.Add("testFolders tests: no test folder yet; new tests go there");
            return ["tests"];
        }

        choices.Add($"testFolders {string.Join(", ", folders)}: where the project's {project.TestModules.Count} test modules are");
        return folders;
    }

    private static List<string> Test(PythonProject project, List<string> choices, List<string> leftOut)
    {
        var pytest = project.Pytest;
        List<string> test = ["pytest"];

        // pytest resolves pythonpath against its configuration file's folder (the invocation folder without one).
        var iniFolder = pytest.ConfigFile is { } file && file.Contains('/', StringComparison.Ordinal) ? file[..file.LastIndexOf('/')] : ".";
        if (project.ImportRootsOffPath.Count > 0 && pytest.ConfigFile is null)
        {
            // pytest reads -o pythonpath only with a configuration file; any settings file at the root serves as one.
            if (project.RootConfigFiles.Count > 0)
            {
                test.AddRange(["-c", project.RootConfigFiles[0], "--rootdir=."]);
                choices.Add($"test points pytest at {project.RootConfigFiles[0]} (-c, --rootdir=.): the project has no pytest configuration, and pytest reads pythonpath only with one");
            }
            else
            {
                leftOut.Add($"{string.Join(", ", project.ImportRootsOffPath)} cannot be put on pytest's path without a pytest configuration file; " +
                    $"add a pytest.ini with \"pythonpath = {string.Join(' ', project.ImportRootsOffPath)}\" (the tests cannot import the code until then)");
            }
        }

        if (project.ImportRootsOffPath.Count > 0 && (pytest.ConfigFile is not null || project.RootConfigFiles.Count > 0))
        {
            var paths = pytest.PythonPath.Concat(project.ImportRootsOffPath).Distinct(StringComparer.Ordinal).Select(p => RelativeTo(iniFolder, p));
            test.AddRange(["-o", "pythonpath=" + string.Join(' ', paths)]);
            choices.Add($"test sets pythonpath to {string.Join(" ", pytest.PythonPath.Concat(project.ImportRootsOffPath).Distinct(StringComparer.Ordinal))}: " +
                $"{string.Join(", ", project.ImportRootsOffPath.Select(r => r == "." ? "the root" : r + "/"))} would not be on pytest's path, " +
                "and the tests would fail to import the code (or import an installed copy instead of the change)");
        }

        if (pytest.AddOpts is { } addOpts && IniDocument.Words(addOpts) is var words && words.Any(w => w.StartsWith("--cov", StringComparison.Ordinal)))
        {
            var kept = WithoutCoverage(words);
            test.AddRange(["-o", "addopts=" + string.Join(' ', kept)]);
            choices.Add($"test drops the coverage options of {pytest.ConfigFile}'s addopts ({string.Join(' ', words.Where(w => !kept.Contains(w)))}): " +
                "TEST measures coverage itself, and the gates keep the worktree read-only");
        }

        if (pytest.WarningsAreErrors)
        {
            test.AddRange(["-W", "ignore::coverage.exceptions.CoverageWarning"]);
            choices.Add($"test ignores coverage's own warnings: {pytest.ConfigFile} turns warnings into errors, and coverage warns about settings newer than itself");
        }

        foreach (var exclusion in project.Exclusions)
        {
            test.Add("--ignore=" + exclusion.Path);
            leftOut.Add($"{exclusion.Reason}; remove \"--ignore={exclusion.Path}\" from \"test\" to include it");
        }

        return test;
    }

    private static List<string> WithoutCoverage(IReadOnlyList<string> words)
    {
        var kept = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (CoverageOptionsWithValue.Contains(words[i]))
            {
                i++;
            }
            else if (!words[i].StartsWith("--cov", StringComparison.Ordinal) && words[i] != "--no-cov")
            {
                kept.Add(words[i]);
            }
        }

        return kept;
    }

    /// <summary><paramref name="path"/> (repository-relative) as seen from <paramref name="folder"/> (repository-relative).</summary>
    private static string RelativeTo(string folder, string path)
    {
        if (folder == ".")
        {
            return path;
        }

        var relative = Path.GetRelativePath("/" + folder, "/" + (path == "." ? "" : path)).Replace('\\', '/');
        return relative.Length == 0 ? "." : relative;
    }
}
