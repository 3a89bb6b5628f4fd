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
        For(root is null ? GateConfig.Default : await GateConfigResolver.LoadAsync(root, this, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The toolchain of a repository no gate configuration names one for (see <see cref="GateConfigResolver"/>): the
    /// first registered toolchain, in name order, other than the default configuration's (<c>python</c>) whose
    /// <see cref="IToolchainDetection.Recognises"/> says yes, else the default one. Python recognises almost any
    /// repository with a <c>.py</c> file, so it is asked last and answers when nothing else does.
    /// </summary>
    /// <param name="root">The repository's folder.</param>
    /// <param name="files">Its files, repository-relative; null to read what is on disk.</param>
    /// <exception cref="GateEnvironmentException">Nothing recognises the repository and the default toolchain is not registered.</exception>
    public IToolchain Recognise(string root, IReadOnlyList<string>? files)
    {
        var fallback = GateConfig.Default.Toolchain;
        return Names.Where(n => n != fallback).Select(n => _byName[n]).FirstOrDefault(t => t.Detection.Recognises(root, files)) ?? Get(fallback);
    }

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
