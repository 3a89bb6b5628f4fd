namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>Where a Python project keeps its own packages.</summary>
public enum SourceLayout
{
    /// <summary>No package found.</summary>
    Unknown,

    /// <summary>Packages at the repository root (<c>app/__init__.py</c>).</summary>
    Flat,

    /// <summary>Packages under <c>src/</c> (<c>src/app/__init__.py</c>): not importable unless installed or on the path.</summary>
    Src,
}
