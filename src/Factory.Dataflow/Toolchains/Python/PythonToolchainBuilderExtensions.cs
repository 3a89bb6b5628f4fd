namespace Factory.Dataflow.Toolchains.Python;

/// <summary>Registers the Python toolchain, the way Polly's <c>AddRetry</c> registers a strategy.</summary>
public static class PythonToolchainBuilderExtensions
{
    /// <summary>Adds the Python toolchain (named <c>python</c> unless <paramref name="configure"/> renames it).</summary>
    /// <param name="builder">The registry builder.</param>
    /// <param name="configure">Changes the options; null keeps the defaults.</param>
    public static ToolchainRegistryBuilder AddPythonToolchain(this ToolchainRegistryBuilder builder, Action<PythonToolchainOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PythonToolchainOptions();
        configure?.Invoke(options);
        return builder.AddToolchain(new PythonToolchain(options));
    }
}
