using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// A long-lived tool in its own sandbox (<see cref="SandboxedRunner.StartAsync"/>): its stdin and stdout for requests,
/// its stderr kept (capped) for diagnostics, and the kernel's count of its CPU time. Disposing it kills the sandbox's
/// process tree, removes its cgroup and gives back its user id, as the end of an ordinary run does.
/// </summary>
internal sealed class SandboxedProcess : IDisposable
{
    private readonly Process _process;
    private readonly SandboxIdentity _identity;
    private readonly SandboxCgroup? _cgroup;
    private readonly IReadOnlyList<string> _handedOver;
    private readonly (uint User, uint Group) _factoryUser;
    private readonly HeadTailBuffer _standardError;
    private readonly Task _stderrPump;
    private readonly ILogger _logger;
    private int _disposed;

    public SandboxedProcess(
        Process process, SandboxIdentity identity, SandboxCgroup? cgroup, IReadOnlyList<string> handedOver,
        (uint User, uint Group) factoryUser, int maxOutputChars, ILogger logger)
    {
        _process = process;
        _identity = identity;
        _cgroup = cgroup;
        _handedOver = handedOver;
        _factoryUser = factoryUser;
        _logger = logger;
        _standardError = new HeadTailBuffer(maxOutputChars);
        _stderrPump = _standardError.AppendAllAsync(process.StandardError);
    }

    /// <summary>The tool's stdin.</summary>
    public StreamWriter Input => _process.StandardInput;

    /// <summary>The tool's stdout.</summary>
    public StreamReader Output => _process.StandardOutput;

    /// <summary>True while the sandbox's process runs.</summary>
    public bool IsRunning => Volatile.Read(ref _disposed) == 0 && !_process.HasExited;

    /// <summary>The process id of the sandbox's outermost process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The host user id the sandbox runs as.</summary>
    public uint UserId => _identity.UserId;

    /// <summary>What the launcher reported as holding (null until it wrote its line, or when it failed).</summary>
    public SandboxLauncher.Report? LauncherReport
    {
        get
        {
            lock (_standardError)
            {
                return SandboxLauncher.TakeReport(_standardError.ToString()).Report;
            }
        }
    }

    /// <summary>What the sandbox wrote on stderr so far (capped), without the launcher's line.</summary>
    public string StandardError
    {
        get
        {
            lock (_standardError)
            {
                return SandboxLauncher.TakeReport(_standardError.ToString()).Remaining;
            }
        }
    }

    /// <summary>The CPU time of every process of the sandbox so far, from its cgroup; null when none counts it.</summary>
    public TimeSpan? CpuTime() => _cgroup?.CpuTime();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                ProcessTree.Kill(_process.Id);
            }

            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        if (_cgroup?.Remove() is { Count: > 0 } left)
        {
            _logger.LogWarning("Could not remove the sandbox's cgroup(s) {Folders}; they are removed at the next start.", left);
        }

        if (_handedOver.Count > 0)
        {
            _identity.WaitUntilNoProcessRuns(TimeSpan.FromSeconds(10));
            WritableHandover.TakeBack(_handedOver, _factoryUser.User, _factoryUser.Group);
        }

        _identity.Dispose();
        _process.Dispose();
    }
}
