namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// One tool's configuration as found in the repository (mypy, ruff or coverage): the file and section it came from and
/// the options that matter to the gates, each as a list of strings (a single value is a list of one).
/// </summary>
/// <param name="Tool">"mypy", "ruff" or "coverage".</param>
/// <param name="ConfigFile">The repository-relative file, e.g. <c>pyproject.toml</c>.</param>
/// <param name="Section">The section or table, e.g. <c>[tool.mypy]</c>.</param>
/// <param name="Options">The options read, by their name in the file (e.g. <c>files</c>, <c>src</c>, <c>source</c>).</param>
public sealed record ToolSettings(string Tool, string ConfigFile, string Section, IReadOnlyDictionary<string, IReadOnlyList<string>> Options)
{
    /// <summary>The values of <paramref name="option"/>, or empty.</summary>
    public IReadOnlyList<string> Get(string option) => Options.TryGetValue(option, out var values) ? values : [];
}
