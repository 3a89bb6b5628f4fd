namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// What <see cref="PythonProjectDetector"/> found in a repository: where the code and the tests are, how pytest, mypy,
/// ruff and coverage are configured, the web framework, the fixtures tests can use, and which tests cannot run here and
/// why. Paths are repository-relative with '/' separators ("." is the root).
/// </summary>
public sealed record PythonProject
{
    /// <summary>Where the packages live.</summary>
    public required SourceLayout Layout { get; init; }

    /// <summary>The project's own top-level packages (or modules, when it has no package).</summary>
    public required IReadOnlyList<PythonPackage> Packages { get; init; }

    /// <summary>The folders tests live in, most tests first (e.g. <c>tests</c>, <c>app/tests</c>).</summary>
    public required IReadOnlyList<string> TestFolders { get; init; }

    /// <summary>Every test module pytest would collect by its default names (<c>test_*.py</c>, <c>*_test.py</c>).</summary>
    public required IReadOnlyList<string> TestModules { get; init; }

    /// <summary>pytest's configuration as the TEST gate would meet it.</summary>
    public required PytestSettings Pytest { get; init; }

    /// <summary>mypy's configuration, or null when the repository has none.</summary>
    public ToolSettings? Mypy { get; init; }

    /// <summary>ruff's configuration, or null when the repository has none.</summary>
    public ToolSettings? Ruff { get; init; }

    /// <summary>coverage's configuration, or null when the repository has none.</summary>
    public ToolSettings? Coverage { get; init; }

    /// <summary>The web framework, with the evidence.</summary>
    public required FrameworkInfo Framework { get; init; }

    /// <summary>Fixtures defined in the test folders' <c>conftest.py</c> files (and a root one).</summary>
    public required IReadOnlyList<ConftestFixture> Fixtures { get; init; }

    /// <summary>One existing test module to show as an example of the project's tests, or null when there is none.</summary>
    public string? ExampleTest { get; init; }

    /// <summary>How the tests are written, one short fact each ("tests are pytest functions in tests/").</summary>
    public required IReadOnlyList<string> TestConventions { get; init; }

    /// <summary>Outside services the project depends on.</summary>
    public required IReadOnlyList<ServiceDependency> Services { get; init; }

    /// <summary>Tests that cannot run here, with the reason.</summary>
    public required IReadOnlyList<TestExclusion> Exclusions { get; init; }

    /// <summary>
    /// The folders the packages import from (see <see cref="ImportRoots"/>) that pytest would not put on sys.path when
    /// the gate runs it (isolated, from the repository root): "src" for a src/ layout without <c>pythonpath = src</c>,
    /// never the root, which the gates append to sys.path. Empty when imports work.
    /// </summary>
    public IReadOnlyList<string> ImportRootsOffPath { get; init; } = [];

    /// <summary>The settings files at the root that pytest can be pointed at with <c>-c</c>: pyproject.toml, setup.cfg, tox.ini, whichever exist.</summary>
    public IReadOnlyList<string> RootConfigFiles { get; init; } = [];

    /// <summary>Other things worth saying (a src/ layout that is not on pytest's path, a pytest.ini that shadows another).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The folders the packages import from ("." or "src").</summary>
    public IReadOnlyList<string> ImportRoots => [.. Packages.Select(p => p.ImportRoot).Distinct(StringComparer.Ordinal)];

    /// <summary>One sentence about the project for PLAN's prompt, e.g. "a Flask application (packages: shop); tests in tests/".</summary>
    public string Summary => PythonProjectDescription.Summary(this);

    /// <summary>The whole description as short lines, for a prompt or a configuration file's comments.</summary>
    public IReadOnlyList<string> Describe() => PythonProjectDescription.Lines(this);
}
