using System.Text.RegularExpressions;

namespace Factory.Dataflow.Toolchains.Python.Detection;

public static partial class PythonProjectDetector
{
    private const int MaxSourceFilesRead = 600;

    private static readonly (PythonFramework Kind, string Module)[] Frameworks =
    [
        (PythonFramework.Django, "django"), (PythonFramework.FastApi, "fastapi"), (PythonFramework.Flask, "flask"),
    ];

    /// <summary>
    /// The framework the project's own code imports most (a project that is itself a framework uses none); when no
    /// source file imports one, the one its dependencies name.
    /// </summary>
    private static FrameworkInfo Framework(ProjectFiles project, List<PythonPackage> packages, PyprojectDocument? pyproject)
    {
        if (packages.FirstOrDefault(p => Frameworks.Any(f => f.Module == p.Name)) is { } itself)
        {
            return new FrameworkInfo(PythonFramework.None, $"the project is {itself.Name} itself, not an application built on it", null);
        }

        var counts = new Dictionary<PythonFramework, (int Count, string First)>();
        string? application = null;
        foreach (var file in SourceFiles(project, packages).Take(MaxSourceFilesRead))
        {
            var text = project.Read(file);
            if (text is null)
            {
                continue;
            }

            foreach (Match match in FrameworkImport().Matches(text))
            {
                var kind = Frameworks.First(f => f.Module == match.Groups[1].Value).Kind;
                var line = text.AsSpan(0, match.Index).Count('\n') + 1;
                counts[kind] = counts.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.First) : (1, $"{file}:{line} imports {match.Groups[1].Value}");
            }

            application ??= Application(file, text);
        }

        if (project.Exists("manage.py") && project.Read("manage.py") is { } manage && manage.Contains("DJANGO_SETTINGS_MODULE", StringComparison.Ordinal))
        {
            counts[PythonFramework.Django] = (int.MaxValue / 2, "manage.py sets DJANGO_SETTINGS_MODULE");
        }

        if (counts.Count > 0)
        {
            var (kind, (_, first)) = counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Key).First();
            return new FrameworkInfo(kind, first, kind == PythonFramework.Django ? DjangoApplication(project) : application);
        }

        return DependencyFramework(project, pyproject) ?? new FrameworkInfo(PythonFramework.None, "no source file imports a web framework", null);
    }

    private static IEnumerable<string> SourceFiles(ProjectFiles project, List<PythonPackage> packages) =>
        packages.SelectMany(p => p.IsModule ? [p.Path] : project.Under(p.Path))
            .Where(f => f.EndsWith(".py", StringComparison.Ordinal) && !IsTestModule(f) && !f.Contains("/tests/", StringComparison.Ordinal));

    private static string? Application(string file, string text)
    {
        if (FastApiApp().Match(text) is { Success: true } fastapi)
        {
            return $"{fastapi.Groups[1].Value} = FastAPI() in {file}";
        }

        if (FlaskFactory().Match(text) is { Success: true } factory)
        {
            return $"{factory.Groups[1].Value}() in {file}";
        }

        return FlaskApp().Match(text) is { Success: true } flask ? $"{flask.Groups[1].Value} = Flask(...) in {file}" : null;
    }

    private static string? DjangoApplication(ProjectFiles project) =>
        project.Exists("manage.py") && project.Read("manage.py") is { } manage && DjangoSettings().Match(manage) is { Success: true } settings
            ? $"settings module {settings.Groups[1].Value} (manage.py)"
            : null;

    private static FrameworkInfo? DependencyFramework(ProjectFiles project, PyprojectDocument? pyproject)
    {
        foreach (var (source, name) in Dependencies(project, pyproject))
        {
            foreach (var (kind, module) in Frameworks)
            {
                if (name == module)
                {
                    return new FrameworkInfo(kind, $"{source} lists {module} (no source file imports it)", null);
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"^[ \t]*(?:from|import)[ \t]+(django|fastapi|flask)\b", RegexOptions.Multiline)]
    private static partial Regex FrameworkImport();

    [GeneratedRegex(@"^(\w+)[ \t]*(?::[^=\n]+)?=[ \t]*(?:fastapi\.)?FastAPI\(", RegexOptions.Multiline)]
    private static partial Regex FastApiApp();

    [GeneratedRegex(@"^def[ \t]+(create_app|make_app)[ \t]*\(", RegexOptions.Multiline)]
    private static partial Regex FlaskFactory();

    [GeneratedRegex(@"^(\w+)[ \t]*(?::[^=\n]+)?=[ \t]*(?:flask\.)?Flask\(", RegexOptions.Multiline)]
    private static partial Regex FlaskApp();

    [GeneratedRegex(@"DJANGO_SETTINGS_MODULE[""'][ \t]*,[ \t]*[""']([\w.]+)[""']")]
    private static partial Regex DjangoSettings();
}
