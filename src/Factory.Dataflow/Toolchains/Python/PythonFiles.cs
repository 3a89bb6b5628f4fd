namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// Python's file names, defined once for the syntax check, the jail, the test writer and the gates (they used to be
/// written out in several places with different case rules). Case-sensitive, as Python's imports and pytest's default
/// <c>python_files</c> patterns are on Linux.
/// </summary>
internal sealed class PythonFiles : IToolchainFiles
{
    private PythonFiles()
    {
    }

    /// <summary>The one instance.</summary>
    public static PythonFiles Instance { get; } = new();

    /// <inheritdoc />
    public IReadOnlyList<string> ModuleExtensions { get; } = [".py", ".pyi", ".pyc", ".so", ".pyd"];

    /// <inheritdoc />
    public IReadOnlyList<string> ModuleSourceExtensions { get; } = [".py", ".pyi"];

    /// <inheritdoc />
    /// <remarks>Virtual environments and the caches of Python, mypy, pytest and ruff.</remarks>
    public IReadOnlyList<string> IgnoredFolders { get; } = [".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"];

    /// <inheritdoc />
    public string TestFileNamePattern => "test_*.py or *_test.py";

    /// <inheritdoc />
    public bool IsSource(string relative) => relative.EndsWith(".py", StringComparison.Ordinal);

    /// <inheritdoc />
    /// <remarks>pytest's default <c>python_files</c>: <c>test_*.py</c> and <c>*_test.py</c>.</remarks>
    public bool IsTestFileName(string relative)
    {
        var name = relative[(relative.LastIndexOf('/') + 1)..];
        return name.EndsWith(".py", StringComparison.Ordinal) &&
            (name.StartsWith("test_", StringComparison.Ordinal) || name.EndsWith("_test.py", StringComparison.Ordinal));
    }

    /// <inheritdoc />
    /// <remarks>pytest reads <c>conftest.py</c> at any depth for its fixtures and hooks.</remarks>
    public bool IsTestSupport(string relative) =>
        relative == "conftest.py" || relative.EndsWith("/conftest.py", StringComparison.Ordinal);
}
