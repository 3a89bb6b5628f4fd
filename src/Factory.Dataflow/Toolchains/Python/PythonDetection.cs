using Factory.Dataflow.Toolchains.Python.Detection;

namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// Python's detection: <see cref="PythonProjectDetector"/> reads the layout, pytest/mypy/ruff/coverage settings, the
/// framework and the fixtures; <see cref="GateConfigProposal.For"/> turns them into the gate configuration.
/// </summary>
internal sealed class PythonDetection : IToolchainDetection
{
    private PythonDetection()
    {
    }

    /// <summary>The one instance.</summary>
    public static PythonDetection Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>A Python module or one of the files that declare a Python project.</remarks>
    public bool Recognises(string root, IEnumerable<string>? files) =>
        new ProjectFiles(root, files).All.Any(p =>
            PythonFiles.Instance.ModuleSourceExtensions.Any(e => p.EndsWith(e, StringComparison.Ordinal)) ||
            p is "pyproject.toml" or "setup.py" or "setup.cfg");

    /// <inheritdoc />
    public ToolchainProject Detect(string root, IEnumerable<string>? files)
    {
        var project = PythonProjectDetector.Detect(root, files);
        return new ToolchainProject
        {
            Framework = project.Framework.DisplayName,
            TestConventions = project.TestConventions,
            Description = project.Describe(),
            Fixtures = [.. project.Fixtures.Where(f => !f.Autouse).Select(Describe)],
            AutouseFixtures = [.. project.Fixtures.Where(f => f.Autouse).Select(Describe)],
            ExampleTest = project.ExampleTest,
            Proposal = GateConfigProposal.For(project),
        };
    }

    private static string Describe(ConftestFixture fixture) =>
        $"{fixture.Name} ({fixture.File}:{fixture.Line}, scope {fixture.Scope}): {fixture.Signature}" +
        (fixture.Summary is { } summary ? $" -- {summary}" : "");
}
