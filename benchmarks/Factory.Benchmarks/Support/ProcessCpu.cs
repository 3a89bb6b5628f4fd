using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Factory.Benchmarks.Support;

/// <summary>
/// The kernel's accounting for this benchmark process: its own CPU (Factory, the loopback model server, the harness),
/// and the CPU of every child process it has waited for (getrusage RUSAGE_CHILDREN: git, the sandboxes' bubblewrap
/// trees). A long-lived child still running (the served ruff) is not in the children's figure until it ends.
/// </summary>
internal static class ProcessCpu
{
    private const int RusageChildren = -1;

    public static (TimeSpan Own, TimeSpan Children) Now()
    {
        using var self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime, Usage(RusageChildren));
    }

    private static TimeSpan Usage(int who)
    {
        var usage = new long[18]; // struct rusage: two timevals, then 14 longs.
        if (GetRusage(who, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: {Marshal.GetLastPInvokeError()}");
        }

        return TimeSpan.FromSeconds(usage[0] + usage[2]) + TimeSpan.FromMicroseconds(usage[1] + usage[3]);
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, [Out] long[] usage);
}
