using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains;

/// <summary>
/// Everything the core needs to know about one language: which files are source and which are tests, how BUILD's
/// syntax check runs, the gates (lint, type and test commands and how their output is read), which files configure
/// the tools, and what the prompts say about the language. The core asks the
/// toolchain a repository's gate configuration names (<see cref="GateConfig.Toolchain"/>) and never the language
/// itself; register one with <see cref="ToolchainRegistryBuilder.AddToolchain(IToolchain)"/> (Python:
/// <c>AddPythonToolchain()</c>).
/// </summary>
public interface IToolchain
{
    /// <summary>The name a gate configuration selects it by, e.g. <c>python</c>.</summary>
    string Name { get; }

    /// <summary>Which files are source, tests and test support.</summary>
    IToolchainFiles Files { get; }

    /// <summary>Files that configure the tools or how they judge: protected from BUILD and TEST.</summary>
    IToolchainProtection Protection { get; }

    /// <summary>What the prompts say about the language and its tests.</summary>
    IToolchainPrompts Prompts { get; }

    /// <summary>What the toolchain finds in a repository: the facts SCOUT and TEST quote and the gate configuration it proposes.</summary>
    IToolchainDetection Detection { get; }

    /// <summary>How BUILD outlines the language's long files and reads its tools' output.</summary>
    IToolchainFeedback Feedback { get; }

    /// <summary>BUILD's syntax check for this language, running in <paramref name="runner"/>'s sandbox.</summary>
    /// <param name="runner">The sandbox the parser runs in.</param>
    /// <param name="options">The gates' options (interpreter, timeouts).</param>
    ISyntaxChecker CreateSyntaxChecker(SandboxedRunner runner, GateOptions options);

    /// <summary>VALIDATE, TEST and the base commit's baseline for this language, running in <paramref name="runner"/>'s sandbox.</summary>
    /// <param name="testWriter">TEST's model half, which writes the new tests.</param>
    /// <param name="runner">The sandbox the tools run in.</param>
    /// <param name="options">The gates' options (interpreter, timeouts, caches); invalid options are refused here.</param>
    IToolchainGates CreateGates(ITestWriter testWriter, SandboxedRunner runner, GateOptions options);
}
