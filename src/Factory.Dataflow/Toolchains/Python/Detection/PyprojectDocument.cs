using Tomlyn;
using Tomlyn.Model;

namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>A <c>pyproject.toml</c> read with Tomlyn: tables by dotted path and their values as strings or lists of strings.</summary>
internal sealed class PyprojectDocument
{
    private readonly TomlTable _root;

    private PyprojectDocument(TomlTable root) => _root = root;

    /// <summary>The document, or null with <paramref name="problem"/> when the text is not valid TOML.</summary>
    public static PyprojectDocument? Parse(string text, out string? problem)
    {
        problem = null;
        try
        {
            return new PyprojectDocument(TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable());
        }
        catch (TomlException exception)
        {
            problem = exception.Message.Split('\n')[0];
            return null;
        }
    }

    /// <summary>The document's top-level table.</summary>
    public TomlTable Root => _root;

    /// <summary>The table at <paramref name="path"/> (e.g. "tool.pytest.ini_options"), or null.</summary>
    public TomlTable? Table(string path)
    {
        if (path.Length == 0)
        {
            return _root;
        }

        var table = _root;
        foreach (var part in path.Split('.'))
        {
            if (!table.TryGetValue(part, out var next) || next is not TomlTable child)
            {
                return null;
            }

            table = child;
        }

        return table;
    }

    /// <summary>A value as strings: a string is a list of one, an array its string items, a number or flag its text.</summary>
    public static IReadOnlyList<string> Strings(TomlTable? table, string key)
    {
        if (table is null || !table.TryGetValue(key, out var value))
        {
            return [];
        }

        return value switch
        {
            string text => [text],
            TomlArray array => [.. array.Select(item => Convert.ToString(item, System.Globalization.CultureInfo.InvariantCulture) ?? "").Where(s => s.Length > 0)],
            bool flag => [flag ? "true" : "false"],
            null => [],
            _ => [Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""],
        };
    }
}
