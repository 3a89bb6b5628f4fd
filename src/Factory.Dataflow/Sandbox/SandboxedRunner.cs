using System.Text;
using CliWrap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Runs the gates' tools on model-written code: allowlisted executables only, arguments as arrays, the worktree as
/// working directory, a timeout that kills the whole process tree, capped output and a scrubbed environment, inside
/// bubblewrap (read-only root, private /tmp, no network, own PID namespace).
/// </summary>
public sealed class SandboxedRunner
{
    private readonly SandboxOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _bubblewrapAvailable;

    /// <summary>Creates the runner.</summary>
    /// <param name="options">The options; validated and copied here.</param>
    /// <param name="logger">Receives the warning logged on every unsandboxed run; null for none.</param>
    /// <param name="timeProvider">The clock for timeouts and durations; null for the system clock.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="GateEnvironmentException">bwrap is missing and <see cref="SandboxOptions.AllowUnsandboxed"/> is off.</exception>
    public SandboxedRunner(SandboxOptions options, ILogger<SandboxedRunner>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.ValidateAndCopy();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _bubblewrapAvailable = File.Exists(_options.BubblewrapPath);
        if (!_bubblewrapAvailable && !_options.AllowUnsandboxed)
        {
            throw new GateEnvironmentException(
                $"bubblewrap was not found at {_options.BubblewrapPath}, and the gates do not run model-written code " +
                "unsandboxed. Install it (apt-get install bubblewrap, or run scripts/setup-gates.sh), or set " +
                "SandboxOptions.AllowUnsandboxed to run without isolation.");
        }
    }

    /// <summary>True when commands run under bubblewrap.</summary>
    public bool IsSandboxed => _bubblewrapAvailable;

    /// <summary>The timeout used when a command does not set one.</summary>
    public TimeSpan DefaultTimeout => _options.DefaultTimeout;

    /// <summary>Runs <paramref name="command"/> and returns how it ended; a non-zero exit code is a result, not an error.</summary>
    /// <exception cref="GateEnvironmentException">The executable is not allowlisted or not installed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the process tree is killed).</exception>
    public async Task<SandboxResult> RunAsync(SandboxCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var executable = ResolveAllowed(command.Executable);
        if (!Directory.Exists(command.WorkingDirectory))
        {
            throw new DirectoryNotFoundException($"The working directory {command.WorkingDirectory} does not exist.");
        }

        var environment = BaseEnvironment(command);
        Command cli;
        if (_bubblewrapAvailable)
        {
            cli = Cli.Wrap(_options.BubblewrapPath)
                .WithArguments(BubblewrapArguments.Build(executable, command, environment))
                .WithEnvironmentVariables(Scrubbed(new Dictionary<string, string>(StringComparer.Ordinal)));
        }
        else
        {
            _logger.LogWarning(
                "Running '{Command}' WITHOUT a sandbox (bubblewrap missing, AllowUnsandboxed set): model-written code has " +
                "network access and can write anywhere this process can.", command.Display);
            cli = Cli.Wrap(executable)
                .WithArguments(command.Arguments)
                .WithEnvironmentVariables(Scrubbed(environment));
        }

        var stdout = new HeadTailBuffer(_options.MaxOutputChars);
        var stderr = new HeadTailBuffer(_options.MaxOutputChars);
        cli = cli
            .WithWorkingDirectory(command.WorkingDirectory)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.Create((stream, ct) => CopyAsync(stream, stdout, ct)))
            .WithStandardErrorPipe(PipeTarget.Create((stream, ct) => CopyAsync(stream, stderr, ct)))
            .WithValidation(CommandResultValidation.None);

        var timeout = command.Timeout ?? _options.DefaultTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var started = _time.GetTimestamp();

        // The runner kills the process tree itself (deepest first, see ProcessTree) rather than through CliWrap's
        // cancellation, which kills the top process first and can leave the sandbox's PID namespace running.
        var execution = await SpawnThread.RunAsync(() => cli.ExecuteAsync(CancellationToken.None)).ConfigureAwait(false);
        CommandResult result;
        using (linked.Token.Register(() => ProcessTree.Kill(execution.ProcessId)))
        {
            result = await execution.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (timeoutSource.IsCancellationRequested)
        {
            var note = $"\n[factory] '{command.Display}' did not finish within {timeout.TotalSeconds:0.#} s and was killed.\n";
            return new SandboxResult(-1, stdout.ToString(), stderr + note, true, _time.GetElapsedTime(started), _bubblewrapAvailable);
        }

        return new SandboxResult(
            result.ExitCode, stdout.ToString(), stderr.ToString(), false, _time.GetElapsedTime(started), _bubblewrapAvailable);
    }

    private string ResolveAllowed(string executable)
    {
        var allowed = _options.AllowedExecutables.Contains(executable, StringComparer.Ordinal);
        if (!allowed)
        {
            throw new GateEnvironmentException(
                $"'{executable}' is not an allowlisted executable (allowed: {string.Join(", ", _options.AllowedExecutables)}).");
        }

        if (Path.IsPathFullyQualified(executable))
        {
            return File.Exists(executable)
                ? executable
                : throw new GateEnvironmentException($"{executable} is not installed. Run scripts/setup-gates.sh to install the gates' tools.");
        }

        foreach (var folder in _options.SearchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new GateEnvironmentException(
            $"'{executable}' was not found on {_options.SearchPath}. Run scripts/setup-gates.sh to install it" +
            (executable == "ruff" ? " (it installs the ruff WASM wrapper when no native ruff is present)." : "."));
    }

    private Dictionary<string, string> BaseEnvironment(SandboxCommand command)
    {
        // Only what the tools need: a fixed PATH, a UTF-8 locale, a throwaway HOME, and no bytecode or cache files
        // written into the worktree (they would show in the diff). Nothing of the factory's own environment leaks in
        // (API keys, tokens, proxies, GIT_* variables).
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = _options.SearchPath,
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
            ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = "C.UTF-8",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONUNBUFFERED"] = "1",
            ["NO_COLOR"] = "1",
            ["TERM"] = "dumb",
        };
        foreach (var (name, value) in command.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static Dictionary<string, string?> Scrubbed(IReadOnlyDictionary<string, string> keep)
    {
        // CliWrap adds to the inherited environment; a null value removes a variable, so every inherited one not kept is nulled.
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            variables[name] = null;
        }

        foreach (var (name, value) in keep)
        {
            variables[name] = value;
        }

        return variables;
    }

    private static async Task CopyAsync(Stream stream, HeadTailBuffer buffer, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var chunk = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Append(chunk.AsSpan(0, read));
        }
    }
}
