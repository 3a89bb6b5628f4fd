using System.Collections.Concurrent;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains;

/// <summary>
/// BUILD's syntax check through the seam: asks the toolchain the worktree's gate configuration names which of the
/// written files are its source (<see cref="IToolchainFiles.IsSource"/>) and has that toolchain's own checker read them.
/// </summary>
public sealed class ToolchainSyntaxChecker : ISyntaxChecker
{
    private readonly ToolchainRegistry _toolchains;
    private readonly SandboxedRunner _runner;
    private readonly GateOptions _options;
    private readonly ConcurrentDictionary<string, ISyntaxChecker> _checkers = new(StringComparer.Ordinal);

    /// <summary>Creates the checker.</summary>
    /// <param name="toolchains">The registered toolchains.</param>
    /// <param name="runner">The sandbox the toolchains' parsers run in.</param>
    /// <param name="options">The gates' options, given to each toolchain's checker.</param>
    public ToolchainSyntaxChecker(ToolchainRegistry toolchains, SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(toolchains);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _toolchains = toolchains;
        _runner = runner;
        _options = options;
    }

    /// <inheritdoc />
    /// <exception cref="GateEnvironmentException">The gate configuration is invalid or names an unregistered toolchain.</exception>
    public async ValueTask<string?> CheckAsync(string root, IReadOnlyList<string> relativePaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relativePaths);
        var toolchain = await _toolchains.ForWorktreeAsync(root, cancellationToken).ConfigureAwait(false);
        var sources = relativePaths.Where(toolchain.Files.IsSource).ToList();
        if (sources.Count == 0)
        {
            return null;
        }

        var checker = _checkers.GetOrAdd(toolchain.Name, _ => toolchain.CreateSyntaxChecker(_runner, _options));
        return await checker.CheckAsync(root, sources, cancellationToken).ConfigureAwait(false);
    }
}
