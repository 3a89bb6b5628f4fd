using System.Security.Cryptography;
using System.Text;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Gates;

/// <summary>
/// VALIDATE: the configured linter (ruff) and type checker (mypy) run concurrently in the sandbox on the request's
/// worktree. It passes when both exit 0; otherwise the feedback for BUILD is both outputs, labelled, exactly as printed.
/// </summary>
public sealed class ValidateStage : IFactoryStage
{
    private readonly SandboxedRunner _runner;
    private readonly GateOptions _options;
    private readonly MypyCacheStore _mypyCache;

    /// <summary>Creates the stage.</summary>
    /// <param name="runner">The sandboxed runner the tools run in.</param>
    /// <param name="options">Interpreter, timeouts and the shared mypy cache folder; validated and copied here.</param>
    public ValidateStage(SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _runner = runner;
        _options = options.ValidateAndCopy();
        _mypyCache = new MypyCacheStore(_options.MypyCacheDirectory!);
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = context.RequireWorkspace().RootPath;
        var config = await GateConfig.LoadAsync(root, cancellationToken).ConfigureAwait(false);
        var lintCommand = config.Lint;
        var typeCommand = config.EffectiveTypeCheck;

        using var cache = await _mypyCache.AcquireAsync(await CacheKeyAsync(root, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        var lint = GateCommands.Create(lintCommand, root, config, _options, _options.ValidateTimeout);
        var types = GateCommands.Create(typeCommand, root, config, _options, _options.ValidateTimeout);
        if (typeCommand[0] == "mypy")
        {
            types = types with
            {
                Arguments = ["-m", "mypy", "--cache-dir", cache.Path, .. types.Arguments.Skip(2)],
                WritablePaths = [cache.Path],
            };
        }

        var lintRun = _runner.RunAsync(lint, cancellationToken);
        var typeRun = _runner.RunAsync(types, cancellationToken);
        await Task.WhenAll(lintRun, typeRun).ConfigureAwait(false);
        var (lintResult, typeResult) = (await lintRun.ConfigureAwait(false), await typeRun.ConfigureAwait(false));

        ThrowIfBroken(lintResult, lintCommand);
        ThrowIfBroken(typeResult, typeCommand);
        if (typeCommand[0] == "mypy")
        {
            await cache.PublishAsync(cancellationToken).ConfigureAwait(false);
        }

        context.Usage.SetExtra("lint_exit", lintResult.ExitCode);
        context.Usage.SetExtra("typecheck_exit", typeResult.ExitCode);
        context.Usage.SetExtra("typecheck_ms", (long)typeResult.Duration.TotalMilliseconds);
        var detail = Section(lintCommand, lintResult) + Section(typeCommand, typeResult);
        return lintResult.ExitCode == 0 && typeResult.ExitCode == 0
            ? StageResult.Success(detail: detail)
            : StageResult.Failure(detail);
    }

    private void ThrowIfBroken(SandboxResult result, IReadOnlyList<string> command)
    {
        GateCommands.ThrowIfToolMissing(result, command, _options);
        if (result.TimedOut)
        {
            throw new GateEnvironmentException(
                $"VALIDATE: '{GateCommands.Label(command)}' did not finish within {_options.ValidateTimeout.TotalSeconds:0} s " +
                $"(GateOptions.ValidateTimeout).\n{result.Output}");
        }

        // ruff exits 2 on its own errors (bad settings, unreadable files): nothing BUILD could fix.
        if (command[0] == "ruff" && result.ExitCode == 2)
        {
            throw new GateEnvironmentException($"VALIDATE: ruff failed on its own (exit 2):\n{result.Output}");
        }
    }

    private static string Section(IReadOnlyList<string> command, SandboxResult result) =>
        $"--- {GateCommands.Label(command)} (exit {result.ExitCode}) ---\n{result.Output}{(result.Output.EndsWith('\n') ? "" : "\n")}";

    private static async Task<string> CacheKeyAsync(string root, CancellationToken cancellationToken)
    {
        // Every worktree of a repository shares its git common dir, so they share one cache.
        var commonDirectory = (await GitCli.RunAsync(root, ["rev-parse", "--path-format=absolute", "--git-common-dir"], cancellationToken)
            .ConfigureAwait(false)).Trim();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(commonDirectory)))[..16];
    }
}
