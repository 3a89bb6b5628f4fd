using CliWrap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Runs the gates' tools on model-written code: allowlisted executables only, arguments as arrays, the worktree as
/// working directory, a timeout that kills the whole process tree, capped output and a scrubbed environment, inside
/// bubblewrap (read-only root, private bounded /tmp, no network, own PID namespace) as an unprivileged user with no
/// capabilities, a seccomp filter, and bounds on memory, processes, CPU time, file size and open files. See
/// docs/security.md for what each layer guarantees.
/// </summary>
public sealed partial class SandboxedRunner
{
    private readonly SandboxOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _bubblewrapAvailable;
    private readonly SandboxIdentityMode _mode;
    private readonly SandboxIdentityPool? _identities;
    private readonly CgroupSupport? _cgroups;
    private readonly byte[]? _seccomp;

    /// <summary>Creates the runner.</summary>
    /// <param name="options">The options; validated and copied here.</param>
    /// <param name="logger">Receives the warnings for unsandboxed runs and for layers the machine does not allow; null for none.</param>
    /// <param name="timeProvider">The clock for timeouts and durations; null for the system clock.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="GateEnvironmentException">
    /// bwrap is missing and <see cref="SandboxOptions.AllowUnsandboxed"/> is off, or a layer set to
    /// <see cref="SandboxRequirement.Required"/> is not available on this machine.
    /// </exception>
    public SandboxedRunner(SandboxOptions options, ILogger<SandboxedRunner>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.ValidateAndCopy();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _bubblewrapAvailable = File.Exists(_options.BubblewrapPath);
        if (!_bubblewrapAvailable)
        {
            if (!_options.AllowUnsandboxed)
            {
                throw new GateEnvironmentException(
                    $"bubblewrap was not found at {_options.BubblewrapPath}, and the gates do not run model-written code " +
                    "unsandboxed. Install it (apt-get install bubblewrap, or run scripts/setup-gates.sh), or set " +
                    "SandboxOptions.AllowUnsandboxed to run without isolation.");
            }

            return;
        }

        if (!File.Exists(_options.LauncherInterpreter))
        {
            throw new GateEnvironmentException(
                $"The sandbox's launcher runs with {_options.LauncherInterpreter}, which is not installed (apt-get install python3, " +
                "or set SandboxOptions.LauncherInterpreter).");
        }

        _mode = LibC.EffectiveUserId == 0 ? SandboxIdentityMode.DroppedFromRoot : SandboxIdentityMode.UnprivilegedUser;
        if (_mode == SandboxIdentityMode.DroppedFromRoot)
        {
            _identities = new SandboxIdentityPool(_options.SandboxUserIdStart, _options.SandboxUserIdCount);
        }
        else if (_options.UserNamespace == SandboxRequirement.Off)
        {
            throw new ArgumentException(
                "SandboxOptions.UserNamespace cannot be Off when Factory does not run as root: unprivileged bubblewrap needs one.");
        }

        _seccomp = ChooseSeccomp();
        _cgroups = ChooseCgroups();
        Layers = new SandboxLayers(
            _mode,
            UserNamespace: _options.UserNamespace != SandboxRequirement.Off,
            Seccomp: _seccomp is not null,
            _cgroups.Memory,
            _cgroups.Processes,
            ScratchOnTmpfs: _mode == SandboxIdentityMode.DroppedFromRoot,
            CpuShare: _options.CpuCores > 0 ? _cgroups.CpuShare : null);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("Sandbox layers: {Layers}", Layers);
        }

        if (_options.CpuCores > 0 && Layers.CpuShare is null)
        {
            _logger.LogWarning(
                "No CPU quota for the sandbox (SandboxOptions.CpuCores = {Cores}): {Why}. A sandbox may keep every core busy until its timeout.",
                _options.CpuCores, string.Join("; ", _cgroups.Notes));
        }
    }

    /// <summary>True when commands run under bubblewrap.</summary>
    public bool IsSandboxed => _bubblewrapAvailable;

    /// <summary>
    /// What the sandbox enforces on this machine (null when commands run unsandboxed). Its <see cref="SandboxLayers.UserNamespace"/>
    /// is what is asked for; each result says whether the kernel allowed it.
    /// </summary>
    public SandboxLayers? Layers { get; }

    /// <summary>The timeout used when a command does not set one.</summary>
    public TimeSpan DefaultTimeout => _options.DefaultTimeout;

    /// <summary>
    /// A folder for data that must outlive one command (pass it in <see cref="SandboxCommand.WritablePaths"/>): a tmpfs of
    /// <see cref="SandboxOptions.ScratchSizeBytes"/> when Factory runs as root, else a plain temporary folder. Dispose it.
    /// </summary>
    public SandboxScratchFolder CreateScratchFolder() =>
        SandboxScratchFolder.Create(_bubblewrapAvailable && _mode == SandboxIdentityMode.DroppedFromRoot, _options.ScratchSizeBytes, _logger);

    /// <summary>Runs <paramref name="command"/> and returns how it ended; a non-zero exit code is a result, not an error.</summary>
    /// <exception cref="GateEnvironmentException">The executable is not allowlisted or not installed, or the sandbox could not be set up.</exception>
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
        if (_bubblewrapAvailable)
        {
            return await RunSandboxedAsync(command, executable, environment, cancellationToken).ConfigureAwait(false);
        }

        _logger.LogWarning(
            "Running '{Command}' WITHOUT a sandbox (bubblewrap missing, AllowUnsandboxed set): model-written code has " +
            "network access and can write anywhere this process can.", command.Display);
        var cli = Cli.Wrap(executable).WithArguments(command.Arguments).WithEnvironmentVariables(Scrubbed(environment));
        var run = await ExecuteAsync(cli, command, cancellationToken).ConfigureAwait(false);
        ProcessCpuAccount.Charge(null); // No cgroup counts an unsandboxed run.
        return run.ToResult(sandboxed: false);
    }

    private byte[]? ChooseSeccomp()
    {
        if (_options.Seccomp == SandboxRequirement.Off)
        {
            _logger.LogWarning("SandboxOptions.Seccomp is Off: the sandbox has no system call filter.");
            return null;
        }

        if (SeccompFilter.ForThisMachine() is { } filter)
        {
            return filter;
        }

        var message = $"The sandbox's seccomp filter exists for x86_64 only, and this machine is {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}.";
        if (_options.Seccomp == SandboxRequirement.Required)
        {
            throw new GateEnvironmentException(message + " Set SandboxOptions.Seccomp to IfAvailable to run without it.");
        }

        _logger.LogWarning("{Message} The sandbox runs without a system call filter.", message);
        return null;
    }

    private CgroupSupport ChooseCgroups()
    {
        if (_options.Cgroups == SandboxRequirement.Off)
        {
            _logger.LogWarning(
                "SandboxOptions.Cgroups is Off: memory and processes are bounded per process by resource limits (RLIMIT_DATA, RLIMIT_NPROC).");
            return CgroupSupport.None("SandboxOptions.Cgroups is Off");
        }

        var cgroups = CgroupSupport.Detect();
        if (cgroups.Memory == BoundMechanism.ResourceLimit || cgroups.Processes == BoundMechanism.ResourceLimit)
        {
            var why = string.Join("; ", cgroups.Notes);
            if (_options.Cgroups == SandboxRequirement.Required)
            {
                throw new GateEnvironmentException(
                    $"SandboxOptions.Cgroups is Required, but no cgroup can be made for the sandbox's bounds: {why}.");
            }

            _logger.LogWarning(
                "No cgroup for the sandbox's memory ({Memory}) or process ({Processes}) bound: {Why}. Those bounds fall back " +
                "to resource limits per process.", cgroups.Memory, cgroups.Processes, why);
        }

        return cgroups;
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
}
