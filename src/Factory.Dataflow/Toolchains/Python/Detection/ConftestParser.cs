using System.Text.RegularExpressions;

namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// Reads the pytest fixtures a <c>conftest.py</c> defines, without running it: each top-level function decorated with
/// <c>@pytest.fixture</c> (or <c>@fixture</c>, <c>@pytest_asyncio.fixture</c>), its signature as written, scope, autouse
/// and the first line of its docstring.
/// </summary>
internal static partial class ConftestParser
{
    public static IReadOnlyList<ConftestFixture> Fixtures(string file, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var fixtures = new List<ConftestFixture>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!FixtureDecorator().IsMatch(lines[i]))
            {
                continue;
            }

            var decorator = Balanced(lines, ref i);
            var def = i + 1;
            while (def < lines.Length && lines[def].StartsWith('@'))
            {
                Balanced(lines, ref def);
                def++;
            }

            if (def >= lines.Length || Definition().Match(lines[def]) is not { Success: true } definition)
            {
                continue;
            }

            var start = def;
            var signature = Balanced(lines, ref def);
            var name = FixtureName().Match(decorator) is { Success: true } renamed ? renamed.Groups[1].Value : definition.Groups[1].Value;
            var scope = Scope().Match(decorator) is { Success: true } scoped ? scoped.Groups[1].Value : "function";
            fixtures.Add(new ConftestFixture(name, signature, file, start + 1, scope, Autouse().IsMatch(decorator), Docstring(lines, def + 1)));
            i = def;
        }

        return fixtures;
    }

    /// <summary>The statement starting at line <paramref name="index"/>, joined until its brackets close; moves the index to its last line.</summary>
    private static string Balanced(string[] lines, ref int index)
    {
        var text = lines[index].Trim();
        var depth = Depth(text);
        while (depth > 0 && index + 1 < lines.Length)
        {
            index++;
            var next = lines[index].Trim();
            text += (text.EndsWith('(') || text.EndsWith('[') || next.StartsWith(')') ? "" : " ") + next;
            depth += Depth(next);
        }

        return text.Replace(",)", ")", StringComparison.Ordinal);
    }

    private static int Depth(string text) => text.Count(c => c is '(' or '[' or '{') - text.Count(c => c is ')' or ']' or '}');

    private static string? Docstring(string[] lines, int index)
    {
        while (index < lines.Length && lines[index].Trim().Length == 0)
        {
            index++;
        }

        if (index >= lines.Length)
        {
            return null;
        }

        var line = lines[index].Trim();
        foreach (var quote in new[] { "\"\"\"", "'''" })
        {
            if (line.StartsWith(quote, StringComparison.Ordinal))
            {
                var body = line[3..];
                var end = body.IndexOf(quote, StringComparison.Ordinal);
                var first = (end >= 0 ? body[..end] : body).Trim();
                return first.Length > 0 ? first : index + 1 < lines.Length ? lines[index + 1].Trim() : null;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^@(?:pytest\.|pytest_asyncio\.)?fixture\b")]
    private static partial Regex FixtureDecorator();

    [GeneratedRegex(@"^(?:async\s+)?def\s+(\w+)\s*\(")]
    private static partial Regex Definition();

    [GeneratedRegex(@"\bname\s*=\s*[""'](\w+)[""']")]
    private static partial Regex FixtureName();

    [GeneratedRegex(@"\bscope\s*=\s*[""'](\w+)[""']")]
    private static partial Regex Scope();

    [GeneratedRegex(@"\bautouse\s*=\s*True\b")]
    private static partial Regex Autouse();
}
