using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// One long-lived WebAssembly ruff (tools/ruff/bin/ruff.js <c>--serve</c>) per Factory process and sandbox
/// configuration, so the module is compiled once instead of for every lint (0.7-0.9 s of CPU each). It runs in a sandbox
/// of its own, exactly as a fresh ruff would (identity, bounds, seccomp, no network), but with no worktree bound: its
/// working folder is an empty read-only one, and it lints only the file tree each request carries
/// (<see cref="RuffRequest"/>), so it never sees another request's files and nothing it reads can outlive a request
/// but ruff's own module. One request at a time. When the request cannot stand for the worktree, the server asks for
/// the disk, or the process fails, dies or times out, <see cref="TryRunAsync"/> answers null and VALIDATE runs ruff the
/// ordinary way: the verdict is always one a fresh run gives. It is restarted when it died, and recycled when it has
/// used half of its CPU time bound (RLIMIT_CPU counts the whole life of the process).
/// </summary>
internal sealed class RuffServer : IDisposable
{
    /// <summary>The largest request sent (the file tree's bytes, base64): a larger tree is linted the ordinary way.</summary>
    public const long MaxRequestBytes = 16L * 1024 * 1024;

    /// <summary>The most files and folders a request lists.</summary>
    public const int MaxEntries = 20_000;

    private static readonly ConcurrentDictionary<string, RuffServer> s_servers = new(StringComparer.Ordinal);
    private readonly SandboxedRunner _runner;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private SandboxedProcess? _process;
    private DirectoryInfo? _emptyFolder;
    private bool _answered;
    private long _retryAfter;

    /// <summary>How long lints run the ordinary way after a server failed before its first answer (an old wrapper without <c>--serve</c>).</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(60);

    private RuffServer(SandboxedRunner runner) => _runner = runner;

    /// <summary>How many server processes this one has started (a restart after a death or a recycle counts).</summary>
    public int Starts { get; private set; }

    /// <summary>
    /// The served ruff for <paramref name="runner"/>'s sandbox configuration, or null when the ruff installed is not the
    /// WebAssembly wrapper (a native ruff is run as is) or is not installed (the ordinary run then says so).
    /// </summary>
    public static RuffServer? For(SandboxedRunner runner)
    {
        if (!runner.IsSandboxed)
        {
            return null;
        }

        string executable;
        try
        {
            executable = runner.ResolveExecutable("ruff");
        }
        catch (GateEnvironmentException)
        {
            return null;
        }

        return IsWebAssemblyWrapper(executable) ? s_servers.GetOrAdd(runner.ConfigurationKey + "\n" + executable, _ => new RuffServer(runner)) : null;
    }

    /// <summary>True when <paramref name="executable"/> is (a link to) tools/ruff/bin/ruff.js rather than a native ruff.</summary>
    public static bool IsWebAssemblyWrapper(string executable)
    {
        var target = File.ResolveLinkTarget(executable, returnFinalTarget: true)?.FullName ?? executable;
        return target.EndsWith("/ruff.js", StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="lint"/> (a <c>ruff check</c>) in the served ruff; null when it must run the ordinary way.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the server is stopped).</exception>
    public async Task<SandboxResult?> TryRunAsync(SandboxCommand lint, CancellationToken cancellationToken)
    {
        if (lint.Arguments.Count == 0 || lint.Arguments[0] != "check")
        {
            return null;
        }

        var request = RuffRequest.Build(lint.WorkingDirectory, lint.Arguments, MaxRequestBytes, MaxEntries);
        if (request is null)
        {
            return null;
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Stopwatch.GetTimestamp() < _retryAfter)
        {
            _turn.Release();
            return null;
        }

        try
        {
            var process = await RunningAsync().ConfigureAwait(false);
            var before = process.CpuTime();
            var started = Stopwatch.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(lint.Timeout ?? _runner.DefaultTimeout);
            await process.Input.BaseStream.WriteAsync(request, timeout.Token).ConfigureAwait(false);
            await process.Input.BaseStream.WriteAsync("\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            await process.Input.BaseStream.FlushAsync(timeout.Token).ConfigureAwait(false);
            var line = await process.Output.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new IOException($"the served ruff ended: {process.StandardError.Trim()}");
            var duration = Stopwatch.GetElapsedTime(started);
            _answered = true;
            var cpuTime = process.CpuTime() - before;
            ProcessCpuAccount.Charge(cpuTime);
            if (process.CpuTime() > _runner.CpuTimeLimit / 2)
            {
                Stop(); // Before RLIMIT_CPU would end it in the middle of a request.
            }

            using var answer = JsonDocument.Parse(line);
            var root = answer.RootElement;
            if (root.TryGetProperty("fallback", out _))
            {
                return null;
            }

            return _runner.ResultOfRequest(
                process,
                root.GetProperty("exitCode").GetInt32(),
                root.GetProperty("stdout").GetString() ?? "",
                root.GetProperty("stderr").GetString() ?? "",
                duration,
                cpuTime);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or JsonException or
            InvalidOperationException or KeyNotFoundException or GateEnvironmentException or UnauthorizedAccessException)
        {
            // Dead, stuck, cancelled or talking nonsense: it starts afresh next time, and this lint runs the ordinary way.
            // One that never answered at all is not started again for a while: starting it costs as much as a lint.
            if (!_answered && !cancellationToken.IsCancellationRequested)
            {
                _retryAfter = Stopwatch.GetTimestamp() + (long)(Backoff.TotalSeconds * Stopwatch.Frequency);
            }

            Stop();
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Kills the served process as a crash would (for tests of the restart).</summary>
    internal void KillProcess()
    {
        if (_process?.ProcessId is { } pid)
        {
            Sandbox.ProcessTree.Kill(pid);
        }
    }

    /// <summary>Ends the served process (servers live as long as Factory; this is for tests that start their own).</summary>
    public void Dispose()
    {
        Stop();
        _turn.Dispose();
    }

    private async Task<SandboxedProcess> RunningAsync()
    {
        if (_process is { IsRunning: true } running)
        {
            return running;
        }

        Stop();
        _emptyFolder = Directory.CreateTempSubdirectory("factory-ruff-serve-");
        if (!OperatingSystem.IsWindows())
        {
            // The sandbox's user must be able to enter it.
            File.SetUnixFileMode(_emptyFolder.FullName, (UnixFileMode)0b111_101_101);
        }
        var command = new SandboxCommand(
            "ruff", ["--serve", "--max-request-bytes", (MaxRequestBytes + 4096).ToString(System.Globalization.CultureInfo.InvariantCulture)], _emptyFolder.FullName)
        {
            ReadOnlyPaths = ["."],
        };
        _process = await _runner.StartAsync(command).ConfigureAwait(false);
        _answered = false;
        Starts++;
        return _process;
    }

    private void Stop()
    {
        _process?.Dispose();
        _process = null;
        try
        {
            _emptyFolder?.Delete();
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }

        _emptyFolder = null;
    }
}
