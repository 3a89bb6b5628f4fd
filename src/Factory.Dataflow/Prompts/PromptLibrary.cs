using System.Collections.Concurrent;
using System.Reflection;

namespace Factory.Dataflow.Prompts;

/// <summary>
/// The stages' prompts, kept as Markdown resource files next to this class so they can be read and reviewed as text.
/// Placeholders are written <c>{{name}}</c>, which cannot clash with the JSON braces the prompts quote.
/// </summary>
internal static class PromptLibrary
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The text of prompt <paramref name="name"/> (e.g. "build" for Prompts/build.md).</summary>
    public static string Get(string name) => Cache.GetOrAdd(name, Load);

    /// <summary>The prompt with each <c>{{key}}</c> replaced by its value.</summary>
    public static string Render(string name, params (string Key, string Value)[] values)
    {
        var text = Get(name);
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        return text;
    }

    private static string Load(string name)
    {
        var resource = $"Factory.Dataflow.Prompts.{name}.md";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The prompt resource '{resource}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim() + "\n";
    }
}
