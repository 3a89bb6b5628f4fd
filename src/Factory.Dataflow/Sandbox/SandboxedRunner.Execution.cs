using System.Text;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Sandbox;

/// <summary>Starting the process (through the spawn thread), its timeout, and capturing its output.</summary>
public sealed partial class SandboxedRunner
{
    // Joins each cgroup given before "--", then becomes bubblewrap: every process of the sandbox starts inside the
    // groups. A constant script; the cgroup files and bwrap's arguments arrive as "$@", never as shell text.
    private const string JoinCgroupsScript =
        "while [ \"$1\" != -- ]; do echo \"$$\" > \"$1\" || { echo \"factory-sandbox: cannot join the cgroup $1\" >&2; exit 125; }; shift; done; " +
        "shift; exec \"$@\"";

    private async Task<SandboxResult> RunSandboxedAsync(
        SandboxCommand command, string executable, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var writable = WritablePaths(command);
        var factoryUser = (User: LibC.EffectiveUserId, Group: LibC.EffectiveGroupId);
        using var identity = _identities?.Acquire() ?? new SandboxIdentity(factoryUser.User, factoryUser.Group, heldLock: null);
        var dropped = _mode == SandboxIdentityMode.DroppedFromRoot;
        SandboxCgroup? cgroup = null;
        ProcessRun run;
        var bounds = SandboxBounds.None;
        TimeSpan? cpuTime = null;
        try
        {
            var (program, arguments) = EnterSandbox(command, executable, environment, identity, writable, out cgroup);
            var cli = Cli.Wrap(program).WithArguments(arguments);
            run = await ExecuteAsync(cli.WithEnvironmentVariables(Scrubbed(new Dictionary<string, string>())), command, cancellationToken)
                .ConfigureAwait(false);
            bounds = cgroup?.BoundsReached() ?? SandboxBounds.None;
            cpuTime = cgroup?.CpuTime();
            ProcessCpuAccount.Charge(cpuTime);
        }
        finally
        {
            // The groups first: removing them kills anything left and waits until it is gone, so nothing of the sandbox
            // runs while its files are taken back.
            if (cgroup?.Remove() is { Count: > 0 } left)
            {
                _logger.LogWarning("Could not remove the sandbox's cgroup(s) {Folders}; they are removed at the next start.", left);
            }

            if (dropped)
            {
                // Without a cgroup to empty, a killed process may still be on its way out: let it go first.
                if (!identity.WaitUntilNoProcessRuns(TimeSpan.FromSeconds(10)))
                {
                    _logger.LogWarning("A process of sandbox user {User} outlived its sandbox.", identity.UserId);
                }

                WritableHandover.TakeBack(writable, factoryUser.User, factoryUser.Group);
            }
        }

        var (report, standardError) = SandboxLauncher.TakeReport(run.StandardError);
        if (report is null && !run.TimedOut)
        {
            throw new GateEnvironmentException(
                $"The sandbox for '{command.Display}' could not be set up (exit {run.ExitCode}), so the tool did not run:\n{standardError.Trim()}");
        }

        bounds |= SignalBounds(run.ExitCode);
        return (run with { StandardError = standardError + BoundNotes(bounds) }).ToResult(sandboxed: true) with
        {
            Layers = LayersReported(report),
            BoundsReached = bounds,
            UserId = report?.UserId ?? identity.UserId,
            CpuTime = cpuTime,
        };
    }

    /// <summary>
    /// Hands the writable paths to the sandbox's identity, makes the run's cgroup (when one bounds or counts anything)
    /// and returns the command line that starts the sandbox: bubblewrap, or a shell that joins the cgroup and becomes it.
    /// </summary>
    private (string Program, IReadOnlyList<string> Arguments) EnterSandbox(
        SandboxCommand command, string executable, IReadOnlyDictionary<string, string> environment, SandboxIdentity identity,
        IReadOnlyList<string> writable, out SandboxCgroup? cgroup)
    {
        cgroup = null;
        var dropped = _mode == SandboxIdentityMode.DroppedFromRoot;
        if (dropped)
        {
            WritableHandover.GiveTo(writable, identity.UserId, identity.GroupId);
        }

        if (Layers!.Memory != BoundMechanism.ResourceLimit || Layers.Processes != BoundMechanism.ResourceLimit || Layers.CpuShare is not null ||
            _cgroups!.MeasuresCpu)
        {
            // bubblewrap's own two processes (outside the PID namespace and its init) are in the group too.
            cgroup = _cgroups!.Create(_options.MemoryLimitBytes, _options.MaxProcesses + 2, Layers.CpuShare is null ? 0 : _options.CpuCores);
        }

        var plan = new SandboxLauncher.Plan(
            Path.GetFullPath(command.WorkingDirectory),
            dropped ? (identity.UserId, identity.GroupId) : null,
            _options.UserNamespace,
            ResourceLimits(),
            _seccomp,
            writable);
        var inner = SandboxLauncher.CommandLine(_options.LauncherInterpreter, plan, executable, command.Arguments);
        var bwrap = BubblewrapArguments.Build(command, environment, _mode, _options.TmpSizeBytes, inner);
        return cgroup is null
            ? (_options.BubblewrapPath, bwrap)
            : ("/bin/sh", ["-c", JoinCgroupsScript, "sh", .. cgroup.ProcsFiles, "--", _options.BubblewrapPath, .. bwrap]);
    }

    /// <summary>The working directory unless it is read-only, and every writable path, as full paths.</summary>
    private static List<string> WritablePaths(SandboxCommand command)
    {
        var paths = command.WritablePaths.Select(Path.GetFullPath).ToList();
        if (BubblewrapArguments.WorkingDirectoryIsWritable(command))
        {
            paths.Insert(0, Path.GetFullPath(command.WorkingDirectory));
        }

        return paths;
    }

    private Dictionary<string, (long Soft, long Hard)> ResourceLimits()
    {
        var cpu = (long)Math.Ceiling(_options.CpuTimeLimit.TotalSeconds);
        var limits = new Dictionary<string, (long, long)>(StringComparer.Ordinal)
        {
            // SIGXCPU at the soft limit, SIGKILL at the hard one for a process that ignores SIGXCPU.
            ["RLIMIT_CPU"] = (cpu, cpu + 5),
            ["RLIMIT_FSIZE"] = (_options.MaxFileSizeBytes, _options.MaxFileSizeBytes),
            ["RLIMIT_NOFILE"] = (_options.MaxOpenFiles, _options.MaxOpenFiles),
            ["RLIMIT_CORE"] = (0, 0),
        };
        if (Layers!.Memory == BoundMechanism.ResourceLimit)
        {
            // Not RLIMIT_AS: V8 (ruff's WebAssembly) reserves far more address space than it uses. RLIMIT_DATA counts
            // private writable memory, which those reservations are not until used.
            limits["RLIMIT_DATA"] = (_options.MemoryLimitBytes, _options.MemoryLimitBytes);
        }

        if (Layers.Processes == BoundMechanism.ResourceLimit)
        {
            // Counts the processes of the sandbox's user id in its user namespace: one sandbox, as ids are not shared.
            limits["RLIMIT_NPROC"] = (_options.MaxProcesses, _options.MaxProcesses);
        }

        return limits;
    }

    private string BoundNotes(SandboxBounds bounds)
    {
        const long MiB = 1024 * 1024;
        (SandboxBounds Bound, string Note)[] notes =
        [
            (SandboxBounds.Memory, $"The sandbox reached its memory bound ({_options.MemoryLimitBytes / MiB} MiB, SandboxOptions.MemoryLimitBytes) and the kernel killed a process."),
            (SandboxBounds.Processes, $"The sandbox reached its process bound ({_options.MaxProcesses}, SandboxOptions.MaxProcesses): a fork or a new thread was refused."),
            (SandboxBounds.CpuTime, $"A process used up its CPU time bound ({_options.CpuTimeLimit.TotalSeconds:0} s, SandboxOptions.CpuTimeLimit) and was killed."),
            (SandboxBounds.FileSize, $"A process wrote past the file size bound ({_options.MaxFileSizeBytes / MiB} MiB, SandboxOptions.MaxFileSizeBytes) and was killed."),
        ];
        return string.Concat(notes.Where(n => bounds.HasFlag(n.Bound)).Select(n => $"\n[factory] {n.Note}\n"));
    }

    private async Task<ProcessRun> ExecuteAsync(Command cli, SandboxCommand command, CancellationToken cancellationToken)
    {
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
            return new ProcessRun(-1, stdout.ToString(), stderr + TimeoutNote(command, timeout), true, _time.GetElapsedTime(started));
        }

        return new ProcessRun(result.ExitCode, stdout.ToString(), stderr.ToString(), false, _time.GetElapsedTime(started));
    }

    /// <summary>The bound a process's exit code says it reached: the kernel's signal for the CPU time or file size limit.</summary>
    private static SandboxBounds SignalBounds(int exitCode) => exitCode switch
    {
        128 + 24 => SandboxBounds.CpuTime, // SIGXCPU
        128 + 25 => SandboxBounds.FileSize, // SIGXFSZ
        _ => SandboxBounds.None,
    };

    /// <summary>The line added to a killed command's stderr.</summary>
    private static string TimeoutNote(SandboxCommand command, TimeSpan timeout) =>
        $"\n[factory] '{command.Display}' did not finish within {timeout.TotalSeconds:0.#} s and was killed.\n";

    /// <summary>The layers in force for one run: the runner's, with what the launcher's report says the kernel allowed.</summary>
    private SandboxLayers? LayersReported(SandboxLauncher.Report? report) =>
        report is null ? Layers : Layers! with { UserNamespace = report.UserNamespace, Seccomp = report.Seccomp };

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

    /// <summary>How the process ended, before the runner adds what it knows about the sandbox.</summary>
    private sealed record ProcessRun(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Duration)
    {
        public SandboxResult ToResult(bool sandboxed) => new(ExitCode, StandardOutput, StandardError, TimedOut, Duration, sandboxed);
    }
}
