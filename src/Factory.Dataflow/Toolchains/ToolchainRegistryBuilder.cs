namespace Factory.Dataflow.Toolchains;

/// <summary>
/// Collects toolchains, the way Polly's <c>ResiliencePipelineBuilder</c> collects strategies: each language adds itself
/// with an extension method (<c>AddPythonToolchain()</c>), and <see cref="Build"/> checks the set once.
/// </summary>
public sealed class ToolchainRegistryBuilder
{
    private readonly List<IToolchain> _toolchains = [];

    /// <summary>Adds <paramref name="toolchain"/>; its <see cref="IToolchain.Name"/> must be new to this builder.</summary>
    public ToolchainRegistryBuilder AddToolchain(IToolchain toolchain)
    {
        ArgumentNullException.ThrowIfNull(toolchain);
        _toolchains.Add(toolchain);
        return this;
    }

    /// <summary>The registry of every toolchain added.</summary>
    /// <exception cref="InvalidOperationException">None was added, a name is blank or a name is added twice.</exception>
    public ToolchainRegistry Build()
    {
        if (_toolchains.Count == 0)
        {
            throw new InvalidOperationException("No toolchain is registered: add one, e.g. AddPythonToolchain().");
        }

        foreach (var toolchain in _toolchains)
        {
            if (string.IsNullOrWhiteSpace(toolchain.Name) || toolchain.Name.Trim() != toolchain.Name)
            {
                throw new InvalidOperationException($"A toolchain's name must be non-empty without surrounding spaces, not \"{toolchain.Name}\".");
            }
        }

        if (_toolchains.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"The toolchain \"{twice.Key}\" is registered twice.");
        }

        return new ToolchainRegistry([.. _toolchains]);
    }
}
