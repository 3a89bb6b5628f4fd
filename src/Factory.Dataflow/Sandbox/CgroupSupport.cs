using System.Globalization;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Finds, once, where this machine lets Factory make a cgroup per sandbox run: below Factory's own cgroup, in cgroup v2
/// when its memory and pids controllers can be used there, else in the v1 memory and pids hierarchies. Whatever cannot
/// be written falls back to resource limits per process, and <see cref="Memory"/> and <see cref="Processes"/> say which.
/// The same group counts the CPU time of every process of the run (v2's cpu.stat, or v1's cpuacct hierarchy when it is
/// mounted): <see cref="MeasuresCpu"/>, and, where a CPU controller can be used, holds the run to its CPU quota:
/// <see cref="CpuShare"/>.
/// </summary>
internal sealed class CgroupSupport
{
    private const string GroupPrefix = "factory-sandbox-";
    private static readonly Lazy<CgroupSupport> s_detected = new(DetectNow);
    private static int s_counter;
    private readonly string? _v2Parent;
    private readonly string? _memoryParent;
    private readonly string? _pidsParent;
    private readonly string? _cpuacctParent;
    private readonly string? _cpuParent;
    private readonly bool _v2Cpu;

    /// <summary>The CPU bandwidth period the quota is a share of (the kernel's default): short, so a throttled run resumes quickly.</summary>
    private const long QuotaPeriodMicroseconds = 100_000;

    private CgroupSupport(
        string? v2Parent, string? memoryParent, string? pidsParent, string? cpuacctParent, IReadOnlyList<string> notes,
        string? cpuParent = null, bool v2Cpu = false)
    {
        _cpuParent = cpuParent;
        _v2Cpu = v2Cpu;
        _v2Parent = v2Parent;
        _memoryParent = memoryParent;
        _pidsParent = pidsParent;
        _cpuacctParent = cpuacctParent;
        Notes = notes;
    }

    /// <summary>What enforces the memory bound.</summary>
    public BoundMechanism Memory =>
        _v2Parent is not null ? BoundMechanism.CgroupV2 : _memoryParent is not null ? BoundMechanism.CgroupV1 : BoundMechanism.ResourceLimit;

    /// <summary>What enforces the process bound.</summary>
    public BoundMechanism Processes =>
        _v2Parent is not null ? BoundMechanism.CgroupV2 : _pidsParent is not null ? BoundMechanism.CgroupV1 : BoundMechanism.ResourceLimit;

    /// <summary>True when a run's cgroup counts the CPU time of its processes (v2, or v1 with a writable cpuacct hierarchy).</summary>
    public bool MeasuresCpu => _v2Parent is not null || _cpuacctParent is not null;

    /// <summary>What can hold a run to a CPU quota (a cgroup CPU controller), or null when nothing can.</summary>
    public BoundMechanism? CpuShare =>
        _v2Parent is not null ? (_v2Cpu ? BoundMechanism.CgroupV2 : null) : _cpuParent is not null ? BoundMechanism.CgroupV1 : null;

    /// <summary>Why a cgroup could not be used, one line per attempt (empty when both bounds use cgroups).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>No cgroups: resource limits only.</summary>
    public static CgroupSupport None(string reason) => new(null, null, null, null, [reason]);

    /// <summary>What this machine allows, found once per process (it does not change while Factory runs).</summary>
    public static CgroupSupport Detect() => s_detected.Value;

    private static CgroupSupport DetectNow()
    {
        var notes = new List<string>();
        var mounts = CgroupMounts.Read();
        if (mounts.V2 is { } v2 && TryV2(v2, notes) is { } v2Parent)
        {
            SweepStale(v2Parent);
            return new CgroupSupport(v2Parent, null, null, null, notes, v2Cpu: TryV2Cpu(v2Parent, notes));
        }

        var memory = mounts.V1Memory is { } m ? TryV1(m, "memory", "memory.limit_in_bytes", notes) : null;
        var pids = mounts.V1Pids is { } p ? TryV1(p, "pids", "pids.max", notes) : null;
        var cpuacct = mounts.V1Cpuacct is { } c ? TryV1(c, "cpuacct", "cpuacct.usage", notes) : null;
        var cpu = mounts.V1Cpu is { } q ? TryV1(q, "cpu", "cpu.cfs_quota_us", notes) : null;
        if (mounts.V1Memory is null && mounts.V2 is null)
        {
            notes.Add("no cgroup file system is mounted");
        }

        foreach (var parent in new[] { memory, pids, cpuacct, cpu }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            SweepStale(parent);
        }

        return new CgroupSupport(null, memory, pids, cpuacct, notes, cpuParent: cpu);
    }

    /// <summary>Makes this run's cgroup(s) with the bounds written; the caller joins them before bubblewrap starts.</summary>
    /// <exception cref="GateEnvironmentException">A cgroup that was usable at start cannot be made now.</exception>
    /// <param name="memoryBytes">The memory bound of the whole run.</param>
    /// <param name="maxProcesses">The process and thread bound of the whole run.</param>
    /// <param name="cpuCores">The CPU quota in cores; 0 for none (ignored where <see cref="CpuShare"/> is null).</param>
    public SandboxCgroup Create(long memoryBytes, int maxProcesses, double cpuCores = 0)
    {
        var quota = cpuCores > 0 ? Math.Max(1_000, (long)Math.Round(cpuCores * QuotaPeriodMicroseconds)) : 0;
        var name = $"{GroupPrefix}{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        var group = new SandboxCgroup();
        try
        {
            if (_v2Parent is not null)
            {
                var folder = group.Add(Path.Combine(_v2Parent, name), "memory.events", "pids.events", SandboxCgroup.CpuStatV2);
                Write(folder, "memory.max", memoryBytes);
                WriteIfPresent(folder, "memory.swap.max", 0);
                WriteIfPresent(folder, "memory.oom.group", 1); // An out-of-memory kill ends the whole sandbox, not one process.
                Write(folder, "pids.max", maxProcesses);
                if (quota > 0 && _v2Cpu)
                {
                    File.WriteAllText(Path.Combine(folder, "cpu.max"), FormattableString.Invariant($"{quota} {QuotaPeriodMicroseconds}"));
                }

                return group;
            }

            if (_memoryParent is not null)
            {
                var folder = group.Add(Path.Combine(_memoryParent, name), "memory.oom_control", null);
                Write(folder, "memory.limit_in_bytes", memoryBytes);
                WriteIfPresent(folder, "memory.memsw.limit_in_bytes", memoryBytes); // Swap counts too, where it is accounted.
            }

            if (_pidsParent is not null)
            {
                var folder = group.Add(Path.Combine(_pidsParent, name), null, "pids.events");
                Write(folder, "pids.max", maxProcesses);
            }

            // cpu and cpuacct are often one hierarchy ("cpu,cpuacct"): then one folder both holds the quota and counts.
            var quotaFolder = quota > 0 && _cpuParent is not null ? Path.Combine(_cpuParent, name) : null;
            if (_cpuacctParent is not null)
            {
                group.Add(Path.Combine(_cpuacctParent, name), null, null, SandboxCgroup.CpuacctUsageV1);
            }

            if (quotaFolder is not null)
            {
                if (_cpuParent != _cpuacctParent)
                {
                    group.Add(quotaFolder, null, null);
                }

                Write(quotaFolder, "cpu.cfs_period_us", QuotaPeriodMicroseconds);
                Write(quotaFolder, "cpu.cfs_quota_us", quota);
            }

            return group;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            group.Remove();
            throw new GateEnvironmentException($"Could not make the sandbox's cgroup {name}: {exception.Message}", exception);
        }
    }

    private static string? TryV2(CgroupMounts.Hierarchy v2, List<string> notes)
    {
        var own = v2.OwnFolder;
        var delegated = DelegateV2(
            own, ["memory", "pids"], notes,
            offered => $"cgroup v2 at {own} offers no memory and pids controllers (it offers: {string.Join(' ', offered)})",
            problem => $"cgroup v2: cannot delegate memory and pids below {own} ({problem})");
        return delegated && Probe(own, "memory.max", notes) ? own : null;
    }

    /// <summary>Enables v2's cpu controller below Factory's folder, when the machine offers it; the quota is optional.</summary>
    private static bool TryV2Cpu(string own, List<string> notes) =>
        DelegateV2(
            own, ["cpu"], notes,
            _ => $"cgroup v2 at {own} offers no cpu controller: no CPU quota per sandbox",
            problem => $"cgroup v2: cannot delegate cpu below {own} ({problem}): no CPU quota per sandbox");

    /// <summary>
    /// Makes every one of <paramref name="controllers"/> usable in the groups Factory makes below <paramref name="own"/>:
    /// offered to the folder, and enabled for its children (enabled now, all of them in one write, when one is not).
    /// False, with the note the caller words, when one is not offered or the kernel refuses to enable them.
    /// </summary>
    private static bool DelegateV2(
        string own, string[] controllers, List<string> notes, Func<HashSet<string>, string> notOffered, Func<string, string> refused)
    {
        var available = ReadWords(Path.Combine(own, "cgroup.controllers"));
        if (!controllers.All(available.Contains))
        {
            notes.Add(notOffered(available));
            return false;
        }

        var enabled = ReadWords(Path.Combine(own, "cgroup.subtree_control"));
        if (!controllers.All(enabled.Contains))
        {
            try
            {
                // Only allowed where the folder holds no process itself (or is the root): v2's "no internal processes" rule.
                File.WriteAllText(Path.Combine(own, "cgroup.subtree_control"), string.Join(' ', controllers.Select(c => "+" + c)));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                notes.Add(refused(exception.Message));
                return false;
            }
        }

        return true;
    }

    private static string? TryV1(CgroupMounts.Hierarchy hierarchy, string controller, string limitFile, List<string> notes)
    {
        var own = hierarchy.OwnFolder;
        if (!Directory.Exists(own))
        {
            notes.Add($"cgroup v1 {controller}: {own} does not exist");
            return null;
        }

        return Probe(own, limitFile, notes) ? own : null;
    }

    /// <summary>Makes and removes a group, so a read-only or foreign hierarchy is found at start, not at the first run.</summary>
    private static bool Probe(string parent, string limitFile, List<string> notes)
    {
        var probe = Path.Combine(parent, $"{GroupPrefix}{Environment.ProcessId}-probe-{Interlocked.Increment(ref s_counter)}");
        try
        {
            Directory.CreateDirectory(probe);
            try
            {
                if (!File.Exists(Path.Combine(probe, limitFile)))
                {
                    notes.Add($"{parent}: a new group has no {limitFile}");
                    return false;
                }

                return true;
            }
            finally
            {
                Directory.Delete(probe);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot make a cgroup below {parent} ({exception.Message})");
            return false;
        }
    }

    /// <summary>Removes groups a killed Factory left behind (empty once their processes died; a busy one stays).</summary>
    private static void SweepStale(string parent)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent, GroupPrefix + "*"))
        {
            var owner = Path.GetFileName(folder)[GroupPrefix.Length..].Split('-')[0];
            if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(folder);
                }
                catch (IOException)
                {
                    // Still has processes: left for a later sweep.
                }
            }
        }
    }

    private static HashSet<string> ReadWords(string file) =>
        File.Exists(file) ? [.. File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)] : [];

    private static void Write(string folder, string file, long value) =>
        File.WriteAllText(Path.Combine(folder, file), value.ToString(CultureInfo.InvariantCulture));

    private static void WriteIfPresent(string folder, string file, long value)
    {
        if (File.Exists(Path.Combine(folder, file)))
        {
            Write(folder, file, value);
        }
    }
}
