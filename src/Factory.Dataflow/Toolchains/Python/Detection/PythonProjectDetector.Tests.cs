using System.Globalization;
using System.Text.RegularExpressions;

namespace Factory.Dataflow.Toolchains.Python.Detection;

public static partial class PythonProjectDetector
{
    private const int MinExampleChars = 200;
    private const int MaxExampleChars = 6_000;

    /// <summary>The fixtures of the root conftest and of every conftest inside a test folder.</summary>
    private static List<ConftestFixture> Fixtures(ProjectFiles project, List<string> testFolders) =>
        [.. project.All
            .Where(p => p == "conftest.py" || (p.EndsWith("/conftest.py", StringComparison.Ordinal) && testFolders.Exists(f => PythonProjectDescription.Under(p, f) || Folder(p) == f)))
            .SelectMany(p => project.Read(p) is { } text ? ConftestParser.Fixtures(p, text) : [])];

    /// <summary>
    /// One test module to show as an example: preferably one that reaches the application the way the framework's tests
    /// do (its test client, or a client fixture), of a readable size; otherwise the first readable one.
    /// </summary>
    private static string? Example(ProjectFiles project, List<string> runnable, FrameworkInfo framework)
    {
        var candidates = runnable
            .Select(m => (Module: m, Text: project.Read(m, MaxExampleChars + 1) ?? ""))
            .Where(c => c.Text.Length is >= MinExampleChars and <= MaxExampleChars && TestFunction().IsMatch(c.Text))
            .ToList();
        return candidates
            .OrderByDescending(c => UsesClient(c.Text, framework.Kind))
            .ThenBy(c => Math.Abs(c.Text.Length - 1500))
            .ThenBy(c => c.Module, StringComparer.Ordinal)
            .Select(c => c.Module)
            .FirstOrDefault() ?? runnable.FirstOrDefault();
    }

    private static bool UsesClient(string text, PythonFramework framework) => framework switch
    {
        PythonFramework.FastApi => text.Contains("TestClient", StringComparison.Ordinal) || ClientParameter().IsMatch(text),
        PythonFramework.Flask => text.Contains("test_client(", StringComparison.Ordinal) || ClientParameter().IsMatch(text),
        PythonFramework.Django => text.Contains("django.test", StringComparison.Ordinal) || ClientParameter().IsMatch(text),
        _ => false,
    };

    /// <summary>Short facts about how the tests are written, for SCOUT's brief and TEST's prompt.</summary>
    private static List<string> Conventions(
        ProjectFiles project, List<string> testFolders, List<string> runnable, FrameworkInfo framework, List<ConftestFixture> fixtures)
    {
        var c = CultureInfo.InvariantCulture;
        var conventions = new List<string>();
        if (testFolders.Count == 0)
        {
            return conventions;
        }

        var texts = runnable.Take(200).Select(m => project.Read(m, 64 * 1024) ?? "").ToList();
        var unittest = texts.Count(t => TestCaseClass().IsMatch(t));
        var style = unittest > texts.Count / 2 ? "unittest.TestCase classes run by pytest" : "pytest test functions (def test_...)";
        conventions.Add(string.Create(c, $"tests are {style} in {string.Join(", ", testFolders.Select(f => f + "/"))}"));
        if (ClientConvention(framework, texts, fixtures) is { } client)
        {
            conventions.Add(client);
        }

        foreach (var group in fixtures.Where(f => !f.Autouse).GroupBy(f => f.File))
        {
            conventions.Add($"fixtures in {group.Key}: {string.Join(", ", group.Select(f => f.Name))}");
        }

        foreach (var autouse in fixtures.Where(f => f.Autouse))
        {
            conventions.Add($"every test gets the autouse fixture {autouse.Name} from {autouse.File}");
        }

        return conventions;
    }

    private static string? ClientConvention(FrameworkInfo framework, List<string> texts, List<ConftestFixture> fixtures)
    {
        var clientFixture = fixtures.FirstOrDefault(f => f.Name == "client");
        var fixtureNote = clientFixture is null ? "" : $" (the client fixture in {clientFixture.File})";
        return framework.Kind switch
        {
            PythonFramework.FastApi => $"tests call the application through fastapi.testclient.TestClient{fixtureNote}",
            PythonFramework.Flask => $"tests call the application through Flask's test client, app.test_client(){fixtureNote}",
            PythonFramework.Django => texts.Exists(t => t.Contains("pytest.mark.django_db", StringComparison.Ordinal))
                ? $"tests use pytest-django (@pytest.mark.django_db) and its client fixture{fixtureNote}"
                : $"tests use django.test.Client or django.test.TestCase{fixtureNote}",
            _ => null,
        };
    }

    [GeneratedRegex(@"^\s*(?:async\s+)?def\s+test_\w*\s*\(", RegexOptions.Multiline)]
    private static partial Regex TestFunction();

    [GeneratedRegex(@"^\s*(?:async\s+)?def\s+test_\w*\s*\([^)]*\bclient\b", RegexOptions.Multiline)]
    private static partial Regex ClientParameter();

    [GeneratedRegex(@"^class\s+\w+\s*\([^)]*TestCase\s*\)", RegexOptions.Multiline)]
    private static partial Regex TestCaseClass();
}
