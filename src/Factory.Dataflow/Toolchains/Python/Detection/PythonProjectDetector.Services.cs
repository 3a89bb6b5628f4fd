using System.Text.RegularExpressions;
using Tomlyn.Model;

namespace Factory.Dataflow.Toolchains.Python.Detection;

public static partial class PythonProjectDetector
{
    private const string Postgres = "a Postgres server";
    private const string MySql = "a MySQL server";

    /// <summary>Distributions that talk to a service that is not running here, by normalized name.</summary>
    private static readonly Dictionary<string, string> ServiceDistributions = new(StringComparer.Ordinal)
    {
        ["psycopg"] = Postgres, ["psycopg2"] = Postgres, ["psycopg2-binary"] = Postgres, ["psycopg-binary"] = Postgres,
        ["asyncpg"] = Postgres, ["pg8000"] = Postgres, ["pymysql"] = MySql, ["mysqlclient"] = MySql,
        ["mysql-connector-python"] = MySql, ["aiomysql"] = MySql, ["asyncmy"] = MySql, ["redis"] = "a Redis server",
        ["pymongo"] = "a MongoDB server", ["motor"] = "a MongoDB server", ["elasticsearch"] = "an Elasticsearch server",
        ["pika"] = "a RabbitMQ server", ["aio-pika"] = "a RabbitMQ server", ["testcontainers"] = "Docker",
        ["selenium"] = "a web browser", ["playwright"] = "a web browser", ["python-memcached"] = "a Memcached server",
        ["pylibmc"] = "a Memcached server", ["pymemcache"] = "a Memcached server",
    };

    /// <summary>What, in a test module or conftest, shows it reaches a service: an address or a client library.</summary>
    private static readonly (Regex Pattern, string Service, string What)[] ServiceUse =
    [
        (new Regex(@"postgres(?:ql)?(?:\+\w+)?://", RegexOptions.None, TimeSpan.FromSeconds(1)), Postgres, "connects to postgresql://"),
        (new Regex(@"^\s*(?:import|from)\s+(?:psycopg2?|asyncpg|pytest_postgresql)\b", RegexOptions.None, TimeSpan.FromSeconds(1)), Postgres, "imports a Postgres driver"),
        (new Regex(@"mysql(?:\+\w+)?://", RegexOptions.None, TimeSpan.FromSeconds(1)), MySql, "connects to mysql://"),
        (new Regex(@"^\s*(?:import|from)\s+(?:pymysql|MySQLdb|aiomysql)\b", RegexOptions.None, TimeSpan.FromSeconds(1)), MySql, "imports a MySQL driver"),
        (new Regex(@"rediss?://|^\s*(?:import|from)\s+redis\b", RegexOptions.None, TimeSpan.FromSeconds(1)), "a Redis server", "connects to Redis"),
        (new Regex(@"mongodb(?:\+srv)?://|^\s*(?:import|from)\s+(?:pymongo|motor)\b", RegexOptions.None, TimeSpan.FromSeconds(1)), "a MongoDB server", "connects to MongoDB"),
        (new Regex(@"^\s*(?:import|from)\s+elasticsearch\b", RegexOptions.None, TimeSpan.FromSeconds(1)), "an Elasticsearch server", "imports elasticsearch"),
        (new Regex(@"^\s*(?:import|from)\s+(?:testcontainers|docker)\b", RegexOptions.None, TimeSpan.FromSeconds(1)), "Docker", "starts containers"),
        (new Regex(@"^\s*(?:import|from)\s+(?:selenium|playwright)\b", RegexOptions.None, TimeSpan.FromSeconds(1)), "a web browser", "drives a browser"),
    ];

    private static readonly string[] DatabaseWords = ["db", "database", "engine", "session", "connection", "conn"];

    private static List<ServiceDependency> Services(ProjectFiles project, List<PythonPackage> packages, PyprojectDocument? pyproject)
    {
        var services = new List<ServiceDependency>();
        foreach (var (source, name) in Dependencies(project, pyproject))
        {
            if (ServiceDistributions.TryGetValue(name, out var service) && !services.Exists(s => s.Service == service))
            {
                services.Add(new ServiceDependency(service, $"{source} lists {name}"));
            }
        }

        foreach (var file in SourceFiles(project, packages).Take(MaxSourceFilesRead))
        {
            if (project.Read(file) is { } text && FirstUse(file, text) is { } use && !services.Exists(s => s.Service == use.Service))
            {
                services.Add(new ServiceDependency(use.Service, use.Evidence));
            }
        }

        return services;
    }

    /// <summary>
    /// Test folders and modules that reach a service that is not running here: a conftest that does (its whole folder),
    /// a module that does, or a conftest whose autouse fixture opens the project's database when the project depends on
    /// a database server and nothing in that conftest mentions SQLite.
    /// </summary>
    private static List<TestExclusion> Exclusions(
        ProjectFiles project, List<string> testModules, List<string> testFolders, List<ServiceDependency> services, IReadOnlyList<ConftestFixture> fixtures)
    {
        var exclusions = new List<TestExclusion>();
        var database = services.FirstOrDefault(s => s.Service is Postgres or MySql);
        foreach (var conftest in project.All.Where(p => p.EndsWith("conftest.py", StringComparison.Ordinal) && testFolders.Exists(f => PythonProjectDescription.Under(p, f) || Folder(p) == f)))
        {
            var text = project.Read(conftest) ?? "";
            if (FirstUse(conftest, text) is { } use)
            {
                exclusions.Add(new TestExclusion(Folder(conftest), use.Service, use.Evidence));
            }
            else if (database is not null && !text.Contains("sqlite", StringComparison.OrdinalIgnoreCase) &&
                     fixtures.FirstOrDefault(f => f.File == conftest && f.Autouse && DatabaseWords.Any(w => Mentions(f.Signature, w))) is { } opener)
            {
                exclusions.Add(new TestExclusion(Folder(conftest), database.Service,
                    $"{conftest}:{opener.Line} autouse fixture {opener.Name} opens the database, and {database.Evidence}"));
            }
        }

        foreach (var module in testModules.Where(m => !exclusions.Exists(e => PythonProjectDescription.Under(m, e.Path))))
        {
            if (project.Read(module) is { } text && FirstUse(module, text) is { } use)
            {
                exclusions.Add(new TestExclusion(module, use.Service, use.Evidence));
            }
        }

        return Collapse(exclusions, testModules, testFolders);
    }

    /// <summary>A test subfolder whose every module is excluded for the same service is excluded as a folder.</summary>
    private static List<TestExclusion> Collapse(List<TestExclusion> exclusions, List<string> testModules, List<string> testFolders)
    {
        var folders = exclusions.Where(e => e.Path.EndsWith(".py", StringComparison.Ordinal)).GroupBy(e => (Folder(e.Path), e.Service))
            .Where(g => !testFolders.Contains(g.Key.Item1) && testModules.Count(m => Folder(m) == g.Key.Item1) == g.Count())
            .ToList();
        foreach (var group in folders)
        {
            exclusions.RemoveAll(e => group.Contains(e));
            exclusions.Add(new TestExclusion(group.Key.Item1, group.Key.Service, group.First().Evidence));
        }

        return [.. exclusions.OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    private static (string Service, string Evidence)? FirstUse(string file, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            foreach (var (pattern, service, what) in ServiceUse)
            {
                if (pattern.IsMatch(line))
                {
                    return (service, $"{file}:{i + 1} {what}");
                }
            }
        }

        return null;
    }

    private static bool Mentions(string signature, string word) =>
        Regex.IsMatch(signature, $@"\b{word}\b", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

    /// <summary>Every declared dependency, normalized ("psycopg[binary]>=3" is psycopg), with the file that declares it.</summary>
    private static IEnumerable<(string Source, string Name)> Dependencies(ProjectFiles project, PyprojectDocument? pyproject)
    {
        if (pyproject is not null)
        {
            foreach (var requirement in PyprojectDocument.Strings(pyproject.Table("project"), "dependencies"))
            {
                yield return ("pyproject.toml", Distribution(requirement));
            }

            foreach (var group in new[] { pyproject.Table("project.optional-dependencies"), pyproject.Table("dependency-groups") }.OfType<TomlTable>())
            {
                foreach (var key in group.Keys)
                {
                    foreach (var requirement in PyprojectDocument.Strings(group, key))
                    {
                        yield return ("pyproject.toml", Distribution(requirement));
                    }
                }
            }

            if (pyproject.Table("tool.poetry.dependencies") is { } poetry)
            {
                foreach (var key in poetry.Keys)
                {
                    yield return ("pyproject.toml", Distribution(key));
                }
            }
        }

        foreach (var file in project.All.Where(IsRequirementsFile))
        {
            foreach (var line in (project.Read(file) ?? "").Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.Length > 0 && char.IsLetterOrDigit(trimmed[0]))
                {
                    yield return (file, Distribution(trimmed));
                }
            }
        }

        if (ReadIni(project, "setup.cfg")?.Get("options", "install_requires") is { } requires)
        {
            foreach (var requirement in IniDocument.Items(requires))
            {
                yield return ("setup.cfg", Distribution(requirement));
            }
        }
    }

    private static bool IsRequirementsFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        var folder = Folder(path);
        return (folder == "." && name.StartsWith("requirements", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal)) ||
            (folder == "requirements" && (name.EndsWith(".txt", StringComparison.Ordinal) || name.EndsWith(".in", StringComparison.Ordinal)));
    }

    private static string Distribution(string requirement) =>
        DistributionName().Match(requirement.Trim()) is { Success: true } match ? match.Value.ToLowerInvariant().Replace('_', '-').Replace('.', '-') : "";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*")]
    private static partial Regex DistributionName();
}
