using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Warm runs: a fork server per worktree folder whose children are confined as a fresh sandbox is (see
/// <c>sandbox_fork_server.py</c> and docs/security.md, "Warm pytest").
/// </summary>
public sealed partial class SandboxedRunner
{
    /// <summary>
    /// The capabilities the fork server keeps: the launcher's, CAP_SYS_ADMIN for its children's namespaces and mounts, and
    /// CAP_NET_ADMIN to bring up the loopback of each child's own network namespace.
    /// </summary>
    private static readonly string[] s_forkServerCapabilities = [.. BubblewrapArguments.LauncherCapabilities, "CAP_SYS_ADMIN", "CAP_NET_ADMIN"];

    /// <summary>The size of each scratch folder (and of each warm run's folder).</summary>
    internal long ScratchSizeBytes => _options.ScratchSizeBytes;

    /// <summary>
    /// True when runs can be served warm here: bubblewrap, Factory as root (the server needs CAP_SYS_ADMIN for its
    /// children's namespaces, and drops each child to a user id of the pool), and cgroups for the memory and process
    /// bounds (a child joins its run's groups; resource limits per process would not bound a forked run the same way).
    /// </summary>
    internal bool CanServeWarm =>
        _bubblewrapAvailable && _mode == SandboxIdentityMode.DroppedFromRoot && Layers is { } layers &&
        layers.Memory != BoundMechanism.ResourceLimit && layers.Processes != BoundMechanism.ResourceLimit;

    /// <summary>
    /// Starts a fork server for the worktrees directly inside <paramref name="worktreesFolder"/>: it imports
    /// <paramref name="preload"/> and those of <paramref name="thirdParty"/> that are installed third-party packages, then
    /// waits for runs. Null (with a warning) when it cannot be started or does not get ready.
    /// </summary>
    internal async Task<ForkServer?> StartForkServerAsync(
        string interpreter, string worktreesFolder, IReadOnlyList<string> preload, IReadOnlyList<string> thirdParty, TimeSpan patience)
    {
        if (!CanServeWarm)
        {
            return null;
        }

        var runsFolder = SandboxScratchFolder.NewTmpfsFolder("warm");
        Directory.CreateDirectory(runsFolder);
        if (!LibC.TryMountTmpfs(runsFolder, 1024 * 1024, out var error) || !LibC.TryMakeShared(runsFolder, out error))
        {
            _logger.LogWarning("No warm pytest server: its runs folder {Folder} cannot be a shared tmpfs ({Error}).", runsFolder, error);
            TryRemove(runsFolder);
            return null;
        }

        // The run cgroups' parent folders, bound writable so a child can join its own run's groups (and read-only again
        // in the child's view before anything of the run starts).
        var probe = CreateRunCgroup();
        var cgroupFolders = probe.ProcsFiles.Select(f => Path.GetDirectoryName(Path.GetDirectoryName(f))!).Distinct(StringComparer.Ordinal).ToList();
        probe.Remove();

        var server = new SandboxCommand(interpreter, [], runsFolder)
        {
            WritablePaths = [Path.GetFullPath(worktreesFolder), .. cgroupFolders],
        };
        var config = new JsonObject
        {
            ["preload"] = new JsonArray([.. preload.Select(n => JsonValue.Create(n))]),
            ["thirdParty"] = new JsonArray([.. thirdParty.Select(n => JsonValue.Create(n))]),
        };
        IReadOnlyList<string> inner = [interpreter, "-I", "-B", "-u", "-c", SandboxLauncher.ForkServerSource, SandboxLauncher.Source, config.ToJsonString()];
        var bwrap = BubblewrapArguments.Build(server, BaseEnvironment(server), _mode, _options.TmpSizeBytes, inner, s_forkServerCapabilities);
        var start = PipedStart(_options.BubblewrapPath, bwrap);
        Process process;
        try
        {
            // From the spawn thread, as every sandbox: bubblewrap's --die-with-parent then ends it only with Factory.
            process = await SpawnThread.RunAsync(() => Process.Start(start)
                ?? throw new GateEnvironmentException("Could not start the warm pytest server.")).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GateEnvironmentException or System.ComponentModel.Win32Exception)
        {
            _logger.LogWarning("No warm pytest server: {Error}", exception.Message);
            TryRemove(runsFolder);
            return null;
        }

        var forkServer = new ForkServer(process, runsFolder, Path.GetFullPath(worktreesFolder), cgroupFolders, _logger);
        bool ready;
        try
        {
            ready = await forkServer.WaitUntilReadyAsync(patience).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ready = false;
        }

        if (!ready)
        {
            forkServer.Retire($"it did not get ready within {patience.TotalSeconds:0} s");
            return null;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation(
                "Warm pytest server for {Folder} ready with {Modules}", worktreesFolder, string.Join(", ", forkServer.Preloaded));
        }

        return forkServer;
    }

    /// <summary>
    /// Runs <paramref name="module"/> with <paramref name="arguments"/> as a child of <paramref name="server"/>, confined
    /// as <see cref="RunAsync"/> would confine <paramref name="command"/> (its working directory, read-only and writable
    /// paths, timeout, environment; the run's own user id, cgroup, resource limits and seccomp filter). The run's
    /// writable path must be <paramref name="run"/>'s scratch folder. Null when the server could not run it (it died,
    /// or the child's confinement did not hold): the caller then runs the command the ordinary way.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the run is killed).</exception>
    internal async Task<SandboxResult?> RunInForkServerAsync(
        ForkServer server, ForkServerRun run, SandboxCommand command, string module, IReadOnlyList<string> arguments, bool worktreeImports,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var workingDirectory = Path.GetFullPath(command.WorkingDirectory);
        if (!server.IsUsable || Path.GetDirectoryName(workingDirectory) != server.WorktreesFolder)
        {
            return null;
        }

        var writable = WritablePaths(command);
        var factoryUser = (User: LibC.EffectiveUserId, Group: LibC.EffectiveGroupId);
        using var identity = _identities!.Acquire();
        SandboxCgroup? cgroup = null;
        int? exit = null;
        var timedOut = false;
        var bounds = SandboxBounds.None;
        TimeSpan? cpuTime = null;
        var timeout = command.Timeout ?? _options.DefaultTimeout;
        var started = _time.GetTimestamp();
        try
        {
            WritableHandover.GiveTo(writable, identity.UserId, identity.GroupId);
            cgroup = CreateRunCgroup();
            var request = Request(server, run, command, workingDirectory, writable, identity, cgroup, module, arguments, worktreeImports);
            var answer = server.RunAsync(run.Id, request);
            try
            {
                exit = await answer.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                // Killing the run's cgroup ends every process of the run; the server then answers for it.
                timedOut = exception is TimeoutException;
                cgroup.Remove();
                try
                {
                    exit = await answer.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // The server did not answer for a killed run: judged as timed out below all the same.
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            bounds = cgroup.BoundsReached();
            cpuTime = cgroup.CpuTime();
            ProcessCpuAccount.Charge(cpuTime);
        }
        finally
        {
            if (cgroup?.Remove() is { Count: > 0 } left)
            {
                _logger.LogWarning("Could not remove the warm run's cgroup(s) {Folders}; they are removed at the next start.", left);
            }

            if (!identity.WaitUntilNoProcessRuns(TimeSpan.FromSeconds(10)))
            {
                _logger.LogWarning("A process of sandbox user {User} outlived its warm run.", identity.UserId);
            }

            WritableHandover.TakeBack(writable, factoryUser.User, factoryUser.Group);
        }

        var duration = _time.GetElapsedTime(started);
        if (exit is null && !timedOut)
        {
            // The server died (or was stopped) before it answered: whatever the run wrote is not a verdict.
            return null;
        }

        var report = await ReadReportAsync(run).ConfigureAwait(false);
        var standardError = await run.ReadAsync("stderr", _options.MaxOutputChars).ConfigureAwait(false);
        if (report is null && !timedOut)
        {
            server.Retire($"a run's confinement did not hold (exit {exit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "lost"}): {standardError.Trim()}");
            return null;
        }

        if (exit == ForkServer.ShadowedPreloadExitCode && standardError.Contains("factory-warm: ", StringComparison.Ordinal))
        {
            // A module the server imported in advance is not the one this run would import (a project module of the same
            // name comes first on its sys.path): only a fresh interpreter gives this run's verdict.
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("A warm pytest run starts fresh instead: {Why}", standardError.Trim());
            }

            return null;
        }

        if (timedOut)
        {
            exit = -1;
            standardError += TimeoutNote(command, timeout);
        }

        bounds |= SignalBounds(exit!.Value);
        var standardOutput = await run.ReadAsync("stdout", _options.MaxOutputChars).ConfigureAwait(false);
        return new SandboxResult(exit.Value, standardOutput, standardError + BoundNotes(bounds), timedOut, duration, Sandboxed: true)
        {
            Layers = LayersReported(report),
            BoundsReached = bounds,
            UserId = report?.UserId ?? identity.UserId,
            CpuTime = cpuTime,
            Served = true,
        };
    }

    /// <summary>A run's groups, as <see cref="EnterSandbox"/> makes them (the probe at the server's start makes the same folders).</summary>
    private SandboxCgroup CreateRunCgroup() =>
        _cgroups!.Create(_options.MemoryLimitBytes, _options.MaxProcesses + 2, Layers!.CpuShare is null ? 0 : _options.CpuCores);

    /// <summary>
    /// One run for the server: the launcher's plan (the child takes the launcher's steps with it), and what the child
    /// needs besides to build its view and start the module.
    /// </summary>
    private JsonObject Request(
        ForkServer server, ForkServerRun run, SandboxCommand command, string workingDirectory, IReadOnlyList<string> writable,
        SandboxIdentity identity, SandboxCgroup cgroup, string module, IReadOnlyList<string> arguments, bool worktreeImports)
    {
        static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);

        var environment = new JsonObject();
        foreach (var (name, value) in BaseEnvironment(command))
        {
            environment[name] = value;
        }

        var request = SandboxLauncher.PlanDocument(new SandboxLauncher.Plan(
            workingDirectory, (identity.UserId, identity.GroupId), _options.UserNamespace, ResourceLimits(), _seccomp, writable));
        request["id"] = run.Id;
        request["runFolder"] = run.Folder;
        request["workingDirectoryReadOnly"] = !BubblewrapArguments.WorkingDirectoryIsWritable(command);
        request["readOnly"] = Strings(command.ReadOnlyPaths
            .Select(p => Path.GetFullPath(Path.Combine(workingDirectory, p)))
            .Where(p => p != workingDirectory));
        request["hidden"] = Strings([server.WorktreesFolder, server.RunsFolder]);
        request["readOnlyAgain"] = Strings(server.CgroupFolders);
        request["cgroupProcs"] = Strings(cgroup.ProcsFiles);
        request["tmpSize"] = _options.TmpSizeBytes;
        request["environment"] = environment;
        request["module"] = module;
        request["arguments"] = Strings(arguments);
        request["worktreeImports"] = worktreeImports;
        return request;
    }

    private static async Task<SandboxLauncher.Report?> ReadReportAsync(ForkServerRun run)
    {
        try
        {
            return SandboxLauncher.ParseReport(await run.ReadAsync("report", 4096).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void TryRemove(string folder)
    {
        try
        {
            LibC.Unmount(folder);
        }
        catch (IOException)
        {
            // Not mounted.
        }

        Directory.Delete(folder, recursive: true);
    }
}
