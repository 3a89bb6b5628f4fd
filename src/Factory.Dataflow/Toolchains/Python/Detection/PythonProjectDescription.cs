using System.Globalization;

namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>Renders a <see cref="PythonProject"/> as short lines of text.</summary>
internal static class PythonProjectDescription
{
    public static IReadOnlyList<string> Lines(PythonProject project)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        var packages = project.Packages.Count == 0 ? "none found" : string.Join(", ", project.Packages.Select(p => $"{p.Name} ({p.Path})"));
        lines.Add(string.Create(c, $"layout: {Layout(project.Layout)}; packages: {packages}"));
        var folders = project.TestFolders.Count == 0
            ? "no test modules found"
            : string.Join(", ", project.TestFolders.Select(f => string.Create(c, $"{f}/ ({project.TestModules.Count(m => Under(m, f))} modules)")));
        lines.Add($"tests: {folders}");
        var pytest = project.Pytest;
        lines.Add($"pytest: rootdir {pytest.RootDir}, configuration {pytest.ConfigFile ?? "none"}" +
            (pytest.TestPaths.Count > 0 ? $", testpaths {string.Join(" ", pytest.TestPaths)}" : "") +
            (pytest.PythonPath.Count > 0 ? $", pythonpath {string.Join(" ", pytest.PythonPath)}" : ""));
        foreach (var tool in new[] { project.Mypy, project.Ruff, project.Coverage }.OfType<ToolSettings>())
        {
            var options = string.Join("; ", tool.Options.Select(o => $"{o.Key} = {string.Join(", ", o.Value)}"));
            lines.Add($"{tool.Tool}: {tool.ConfigFile} {tool.Section}{(options.Length > 0 ? ": " + options : "")}");
        }

        var framework = project.Framework;
        lines.Add($"framework: {framework.DisplayName ?? "none"} ({framework.Evidence})" +
            (framework.Application is { } app ? $"; application: {app}" : ""));
        lines.AddRange(project.TestConventions.Select(t => $"test convention: {t}"));
        lines.AddRange(project.Services.Select(s => $"service: {s.Service} ({s.Evidence})"));
        lines.AddRange(project.Exclusions.Select(e => e.Reason));
        lines.AddRange(project.Notes.Select(n => $"note: {n}"));
        return lines;
    }

    public static string Summary(PythonProject project)
    {
        var kind = project.Framework.DisplayName is { } framework ? $"a {framework} application" : "a Python project without a web framework";
        var packages = project.Packages.Count == 0 ? "" : $" (packages: {string.Join(", ", project.Packages.Select(p => p.Name))})";
        var tests = project.TestFolders.Count == 0 ? "no tests yet" : $"tests in {string.Join(", ", project.TestFolders.Select(f => f + "/"))}";
        return $"{kind}{packages}; {tests}";
    }

    internal static bool Under(string path, string folder) =>
        folder == "." || path.StartsWith(folder + "/", StringComparison.Ordinal);

    private static string Layout(SourceLayout layout) => layout switch
    {
        SourceLayout.Src => "src/",
        SourceLayout.Flat => "packages at the root",
        _ => "unknown",
    };
}
