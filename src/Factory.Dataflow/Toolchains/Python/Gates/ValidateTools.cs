using System.Security.Cryptography;
using System.Text;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// Runs VALIDATE's two tools side by side in the sandbox, in a worktree or in a copy of the base commit: the linter
/// (ruff prints one finding a line, <c>--output-format=concise</c>, unless the configuration chose a format) and the
/// type checker (mypy with the repository's shared cache, published when it ran to the end).
/// </summary>
internal sealed class ValidateTools(SandboxedRunner runner, GateOptions options, MypyCacheStore mypyCache)
{
    public async Task<(SandboxResult Lint, SandboxResult Types)> RunAsync(
        string root, string repository, GateConfig config, CancellationToken cancellationToken)
    {
        var typeCommand = config.EffectiveTypeCheck;
        var usesMypy = GateCommands.PythonModule(typeCommand) == "mypy";
        using var cache = await mypyCache.AcquireAsync(CacheKey(repository), cancellationToken).ConfigureAwait(false);
        var lint = GateCommands.Create(LintArguments(config.Lint), root, config, options, options.ValidateTimeout);
        var types = GateCommands.Create(
            usesMypy ? [.. typeCommand, "--cache-dir", cache.Path] : typeCommand, root, config, options, options.ValidateTimeout);
        if (usesMypy)
        {
            types = types with { WritablePaths = [cache.Path] };
        }

        var lintRun = LintAsync(lint, cancellationToken);
        var typeRun = runner.RunAsync(types, cancellationToken);
        await Task.WhenAll(lintRun, typeRun).ConfigureAwait(false);
        var (lintResult, typeResult) = (await lintRun.ConfigureAwait(false), await typeRun.ConfigureAwait(false));
        if (usesMypy && !typeResult.TimedOut && typeResult.ExitCode is 0 or 1)
        {
            await cache.PublishAsync(cancellationToken).ConfigureAwait(false);
        }

        return (lintResult, typeResult);
    }

    /// <summary>ruff through the served process when it can stand in for a fresh run (see <see cref="RuffServer"/>), else as is.</summary>
    private async Task<SandboxResult> LintAsync(SandboxCommand lint, CancellationToken cancellationToken) =>
        options.ServeRuff && lint.Executable == "ruff" && RuffServer.For(runner) is { } server &&
        await server.TryRunAsync(lint, cancellationToken).ConfigureAwait(false) is { } served
            ? served
            : await runner.RunAsync(lint, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The repository every worktree of which shares one mypy cache: its git common folder as git names it (asked once
    /// per repository, then recognised from the worktree's files).
    /// </summary>
    public static Task<string> RepositoryOfAsync(string worktree, CancellationToken cancellationToken) =>
        GitHeadAnswers.Shared.CommonDirectoryAsync(worktree, cancellationToken);

    private static IReadOnlyList<string> LintArguments(IReadOnlyList<string> configured) =>
        configured[0] == "ruff" && configured.Count > 1 && configured[1] == "check" &&
        !configured.Any(a => a.StartsWith("--output-format", StringComparison.Ordinal))
            ? [.. configured, "--output-format=concise"]
            : configured;

    private static string CacheKey(string repository) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repository)))[..16];
}
