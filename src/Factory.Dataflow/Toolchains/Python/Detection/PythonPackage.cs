namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>A top-level importable package (a folder with <c>__init__.py</c>) or module of the project's own code.</summary>
/// <param name="Name">The import name, e.g. <c>app</c>.</param>
/// <param name="Path">Its repository-relative path, e.g. <c>src/app</c> or <c>tool.py</c>.</param>
/// <param name="IsModule">True for a single-file module rather than a package folder.</param>
public sealed record PythonPackage(string Name, string Path, bool IsModule)
{
    /// <summary>The folder it is imported from: "." for the repository root, "src" for a src/ layout.</summary>
    public string ImportRoot => System.IO.Path.GetDirectoryName(Path)?.Replace('\\', '/') is { Length: > 0 } folder ? folder : ".";
}
