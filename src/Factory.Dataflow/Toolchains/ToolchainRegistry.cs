using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Dataflow.Toolchains;

/// <summary>
/// The toolchains a pipeline knows, by name; a repository's gate configuration picks one with
/// <see cref="GateConfig.Toolchain"/>. Built and validated by <see cref="ToolchainRegistryBuilder"/>; immutable.
/// </summary>
public sealed class ToolchainRegistry
{
    private readonly Dictionary<string, IToolchain> _byName;

    internal ToolchainRegistry(IEnumerable<IToolchain> toolchains)
    {
        _byName = toolchains.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Names = [.. _byName.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The built-in toolchains: Python only.</summary>
    public static ToolchainRegistry Default { get; } = new ToolchainRegistryBuilder().AddPythonToolchain().Build();

    /// <summary>The registered names, in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The toolchain <paramref name="config"/> names.</summary>
    /// <exception cref="GateEnvironmentException">No toolchain of that name is registered; the message names the registered ones.</exception>
    public IToolchain For(GateConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Get(config.Toolchain);
    }

    /// <summary>
    /// The toolchain of the worktree at <paramref name="root"/> (the one its gate configuration names, see
    /// <see cref="GateConfigResolver"/>), or the default configuration's when there is no worktree (null).
    /// </summary>
    /// <exception cref="GateEnvironmentException">The configuration is invalid or names an unregistered toolchain.</exception>
    public async ValueTask<IToolchain> ForWorktreeAsync(string? root, CancellationToken cancellationToken) =>
        For(root is null ? GateConfig.Default : await GateConfigResolver.LoadAsync(root, cancellationToken).ConfigureAwait(false));

    /// <summary>The toolchain called <paramref name="name"/>.</summary>
    /// <exception cref="GateEnvironmentException">No toolchain of that name is registered; the message names the registered ones.</exception>
    public IToolchain Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var toolchain)
            ? toolchain
            : throw new GateEnvironmentException(
                $"{GateConfig.RelativePath} is not valid: toolchain \"{name}\" is not registered; the registered toolchains are " +
                $"{string.Join(", ", Names.Select(n => $"\"{n}\""))}.");
    }
}
