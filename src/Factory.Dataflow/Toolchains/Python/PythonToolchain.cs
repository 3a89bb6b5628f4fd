using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;

namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// Python: <c>.py</c> sources checked by Python's own parser, ruff and mypy in VALIDATE, pytest and coverage.py in
/// TEST, pytest's test file names and <c>conftest.py</c>, the configuration files of pytest, mypy, ruff and coverage
/// protected, and prompts that speak of Python and pytest.
/// </summary>
internal sealed class PythonToolchain : IToolchain
{
    /// <summary>The name gate configurations use when they name no toolchain.</summary>
    public const string DefaultName = "python";

    public PythonToolchain(PythonToolchainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = options.Name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IToolchainFiles Files => PythonFiles.Instance;

    /// <inheritdoc />
    public IToolchainProtection Protection => PythonProtection.Instance;

    /// <inheritdoc />
    public IToolchainPrompts Prompts => PythonPrompts.Instance;

    /// <inheritdoc />
    public IToolchainDetection Detection => PythonDetection.Instance;

    /// <inheritdoc />
    public IToolchainFeedback Feedback => PythonFeedback.Instance;

    /// <inheritdoc />
    public ISyntaxChecker CreateSyntaxChecker(SandboxedRunner runner, GateOptions options) => new PythonSyntaxChecker(runner, options);

    /// <inheritdoc />
    /// <remarks>ruff and mypy (VALIDATE), pytest with coverage.py (TEST), in the sandbox.</remarks>
    public IToolchainGates CreateGates(ITestWriter testWriter, SandboxedRunner runner, GateOptions options) =>
        new PythonGates(new ValidateStage(runner, options), new TestStage(testWriter, runner, options), new GateBaselinePreparation(runner, options));
}
