namespace Factory.Dataflow.Toolchains.Python;

/// <summary>What the prompts say about Python projects and their pytest tests.</summary>
internal sealed class PythonPrompts : IToolchainPrompts
{
    private PythonPrompts()
    {
    }

    /// <summary>The one instance.</summary>
    public static PythonPrompts Instance { get; } = new();

    /// <inheritdoc />
    public string Language => "Python";

    /// <inheritdoc />
    public string TestFramework => "pytest";

    /// <inheritdoc />
    public string FixtureFiles => "conftest.py";

    /// <inheritdoc />
    public string ExampleTestPath => "tests/test_<feature>.py";

    /// <inheritdoc />
    public string TestReach(string? framework) => PythonTestReach.For(framework);
}
