namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Sums the CPU time (user + system, from the kernel's accounting) of the processes Factory runs for one stage attempt.
/// Ambient: the graph opens one around each attempt with <see cref="Open"/>, and whatever runs a process in that
/// attempt's asynchronous flow charges it with <see cref="Charge"/>, so no stage has to pass it along. Concurrent
/// attempts of other requests have their own flows, hence their own accounts.
/// </summary>
internal sealed class ProcessCpuAccount
{
    private static readonly AsyncLocal<ProcessCpuAccount?> s_current = new();
    private long _ticks;
    private int _unmeasured;

    private ProcessCpuAccount()
    {
    }

    /// <summary>True when the calling flow has an account open.</summary>
    public static bool IsOpen => s_current.Value is not null;

    /// <summary>The CPU time charged so far.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Processes that ran without a measurement (no cgroup to count them, or unsandboxed).</summary>
    public int Unmeasured => Volatile.Read(ref _unmeasured);

    /// <summary>
    /// Makes a new account the current one for the calling asynchronous flow. Call it inside the async method that
    /// awaits the attempt: the runtime restores the previous value when that method returns.
    /// </summary>
    public static ProcessCpuAccount Open()
    {
        var account = new ProcessCpuAccount();
        s_current.Value = account;
        return account;
    }

    /// <summary>Adds one process run's CPU time to the current account, if any; null counts it as unmeasured.</summary>
    public static void Charge(TimeSpan? cpuTime)
    {
        if (s_current.Value is not { } account)
        {
            return;
        }

        if (cpuTime is { } time)
        {
            Interlocked.Add(ref account._ticks, time.Ticks);
        }
        else
        {
            Interlocked.Increment(ref account._unmeasured);
        }
    }
}
