using Factory.Dataflow.Toolchains.Python.Detection;

namespace Factory.Dataflow.Toolchains;

/// <summary>
/// The language-neutral view of what a toolchain's detection found (<see cref="IToolchainDetection"/>): what SCOUT's
/// opening message and TEST's prompt say about the project, and the gate configuration detection proposes.
/// </summary>
public sealed record ToolchainProject
{
    /// <summary>The framework the project's files use, as said to a model (e.g. <c>Flask</c>), or null when none was found.</summary>
    public string? Framework { get; init; }

    /// <summary>How the tests are written, one short fact each.</summary>
    public required IReadOnlyList<string> TestConventions { get; init; }

    /// <summary>What the project's files show, one line each: SCOUT's "what the project's files show".</summary>
    public required IReadOnlyList<string> Description { get; init; }

    /// <summary>Test fixtures a new test asks for by name, one line each (name, where, signature).</summary>
    public IReadOnlyList<string> Fixtures { get; init; } = [];

    /// <summary>Test fixtures every test gets without asking, one line each.</summary>
    public IReadOnlyList<string> AutouseFixtures { get; init; } = [];

    /// <summary>One existing test module to show as an example, or null when there is none.</summary>
    public string? ExampleTest { get; init; }

    /// <summary>The gate configuration detection proposes, and why.</summary>
    public required GateConfigProposal Proposal { get; init; }
}
