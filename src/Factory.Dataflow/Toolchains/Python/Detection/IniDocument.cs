namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// An INI file as Python's configparser and pytest's iniconfig read the files the tools use (setup.cfg, tox.ini,
/// pytest.ini, mypy.ini, .coveragerc): <c>[section]</c>, <c>key = value</c> or <c>key: value</c>, indented lines continue
/// the value, lines starting with '#' or ';' are comments. Keys are compared without case, as configparser does.
/// </summary>
internal sealed class IniDocument
{
    private readonly Dictionary<string, Dictionary<string, string>> _sections = new(StringComparer.OrdinalIgnoreCase);

    private IniDocument()
    {
    }

    public static IniDocument Parse(string text)
    {
        var document = new IniDocument();
        Dictionary<string, string>? section = null;
        string? key = null;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var trimmed = raw.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            if (char.IsWhiteSpace(raw[0]) && section is not null && key is not null)
            {
                section[key] = section[key].Length == 0 ? trimmed : section[key] + "\n" + trimmed;
                continue;
            }

            if (trimmed[0] == '[' && trimmed.EndsWith(']'))
            {
                var name = trimmed[1..^1].Trim();
                if (!document._sections.TryGetValue(name, out section))
                {
                    document._sections[name] = section = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                key = null;
                continue;
            }

            var separator = trimmed.IndexOfAny(['=', ':']);
            if (section is null || separator <= 0)
            {
                key = null;
                continue;
            }

            key = trimmed[..separator].Trim();
            section[key] = trimmed[(separator + 1)..].Trim();
        }

        return document;
    }

    public bool HasSection(string name) => _sections.ContainsKey(name);

    public IReadOnlyDictionary<string, string>? Section(string name) => _sections.TryGetValue(name, out var section) ? section : null;

    public string? Get(string section, string key) =>
        _sections.TryGetValue(section, out var values) && values.TryGetValue(key, out var value) ? value : null;

    /// <summary>Space-separated words (pytest's "args" and "paths" options), across continuation lines.</summary>
    public static IReadOnlyList<string> Words(string? value) =>
        value is null ? [] : value.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Comma- or line-separated items (mypy's <c>files</c>, coverage's <c>source</c>).</summary>
    public static IReadOnlyList<string> Items(string? value) =>
        value is null ? [] : value.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
