using System.Diagnostics;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The cgroup folder(s) of one sandbox run. The launcher joins them (writes its pid to each <see cref="ProcsFiles"/>)
/// before it execs bubblewrap, so every process of the sandbox is counted from the first. <see cref="Remove"/> kills
/// what is left, waits until the groups are empty and removes them.
/// </summary>
internal sealed class SandboxCgroup
{
    /// <summary>cgroup v2's CPU counters (always present, whatever controllers are enabled): <c>usage_usec</c> is user + system.</summary>
    public const string CpuStatV2 = "cpu.stat";

    /// <summary>cgroup v1's cpuacct counter: user + system CPU of the group's tasks, in nanoseconds.</summary>
    public const string CpuacctUsageV1 = "cpuacct.usage";

    private readonly List<(string Folder, string? MemoryEvents, string? PidsEvents, string? CpuFile)> _folders = [];

    public IReadOnlyList<string> ProcsFiles => [.. _folders.Select(f => Path.Combine(f.Folder, "cgroup.procs"))];

    public string Add(string folder, string? memoryEvents, string? pidsEvents, string? cpuFile = null)
    {
        Directory.CreateDirectory(folder);
        _folders.Add((folder, memoryEvents, pidsEvents, cpuFile));
        return folder;
    }

    /// <summary>
    /// The user + system CPU time the kernel counted for every process that ran in the group, including those that
    /// detached themselves or were killed; null when no group of this run counts CPU. Read before <see cref="Remove"/>.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        foreach (var (folder, _, _, cpuFile) in _folders)
        {
            var path = cpuFile is null ? null : Path.Combine(folder, cpuFile);
            if (path is null || !File.Exists(path))
            {
                continue;
            }

            return cpuFile == CpuStatV2
                ? TimeSpan.FromMicroseconds(Counter(path, "usage_usec"))
                : TimeSpan.FromTicks(long.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture) / 100);
        }

        return null;
    }

    /// <summary>The bounds the kernel reports as reached: an out-of-memory kill, a refused fork.</summary>
    public SandboxBounds BoundsReached()
    {
        var reached = SandboxBounds.None;
        foreach (var (folder, memoryEvents, pidsEvents, _) in _folders)
        {
            if (memoryEvents is not null && Counter(Path.Combine(folder, memoryEvents), "oom_kill") > 0)
            {
                reached |= SandboxBounds.Memory;
            }

            if (pidsEvents is not null && Counter(Path.Combine(folder, pidsEvents), "max") > 0)
            {
                reached |= SandboxBounds.Processes;
            }
        }

        return reached;
    }

    /// <summary>Kills what is left in the groups and removes them; returns the folders that would not go.</summary>
    public IReadOnlyList<string> Remove() => [.. _folders.Select(f => f.Folder).Where(folder => !TryRemove(folder))];

    private static bool TryRemove(string folder)
    {
        var procs = Path.Combine(folder, "cgroup.procs");
        var deadline = Stopwatch.StartNew();
        while (Directory.Exists(folder))
        {
            try
            {
                foreach (var pid in File.ReadAllLines(procs).Where(l => l.Length > 0).Select(int.Parse))
                {
                    Kill(pid);
                }

                Directory.Delete(folder);
                return true;
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                // Killed processes take a moment to leave the group (rmdir says EBUSY until then).
                Thread.Sleep(20);
            }
            catch (IOException)
            {
                return false;
            }
        }

        return true;
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static long Counter(string file, string name)
    {
        if (!File.Exists(file))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[0] == name && long.TryParse(parts[1], out var value))
            {
                return value;
            }
        }

        return 0;
    }
}
