namespace Factory.Dataflow.Toolchains.Python;

/// <summary>Options of the Python toolchain, given to <see cref="PythonToolchainBuilderExtensions.AddPythonToolchain"/>.</summary>
public sealed class PythonToolchainOptions
{
    /// <summary>The name a gate configuration's <c>toolchain</c> selects it by. Defaults to <c>python</c>.</summary>
    public string Name { get; set; } = PythonToolchain.DefaultName;
}
