namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Where the cgroup hierarchies are mounted and which folder in each holds Factory itself, from /proc/self/mountinfo and
/// /proc/self/cgroup. Handles cgroup v2 alone, v1 alone, and the hybrid layout (v1 controllers plus a v2 mount).
/// </summary>
internal sealed record CgroupMounts(
    CgroupMounts.Hierarchy? V2,
    CgroupMounts.Hierarchy? V1Memory,
    CgroupMounts.Hierarchy? V1Pids,
    CgroupMounts.Hierarchy? V1Cpuacct = null,
    CgroupMounts.Hierarchy? V1Cpu = null)
{
    public static CgroupMounts Read()
    {
        if (!File.Exists("/proc/self/mountinfo") || !File.Exists("/proc/self/cgroup"))
        {
            return new CgroupMounts(null, null, null);
        }

        // mountinfo: "id parent major:minor root mountpoint options [optional...] - type source superoptions".
        var mounts = new List<(string Root, string MountPoint, string Type, string[] Options)>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 0 || fields.Length < separator + 4)
            {
                continue;
            }

            mounts.Add((Unescape(fields[3]), Unescape(fields[4]), fields[separator + 1], fields[separator + 3].Split(',')));
        }

        // /proc/self/cgroup: "id:controllers:path"; v2 is "0::path".
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3)
            {
                foreach (var controller in parts[1].Split(','))
                {
                    paths[controller] = parts[2];
                }
            }
        }

        Hierarchy? Find(string type, string controller)
        {
            var mount = mounts.FirstOrDefault(m => m.Type == type && (controller.Length == 0 || m.Options.Contains(controller)));
            return mount.MountPoint is null || !paths.TryGetValue(controller, out var path) ? null : Hierarchy.From(mount.Root, mount.MountPoint, path);
        }

        return new CgroupMounts(Find("cgroup2", ""), Find("cgroup", "memory"), Find("cgroup", "pids"), Find("cgroup", "cpuacct"), Find("cgroup", "cpu"));
    }

    // mountinfo escapes space, tab, newline and backslash as octal.
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    /// <summary>One mounted hierarchy and the folder in it that holds Factory.</summary>
    internal sealed record Hierarchy(string OwnFolder)
    {
        public static Hierarchy? From(string mountRoot, string mountPoint, string cgroupPath)
        {
            // The mount shows the hierarchy from mountRoot down (not "/" in some containers); Factory's cgroup must be below it.
            var relative = mountRoot == "/" ? cgroupPath : cgroupPath.StartsWith(mountRoot, StringComparison.Ordinal) ? cgroupPath[mountRoot.Length..] : null;
            return relative is null ? null : new Hierarchy(Path.Join(mountPoint, relative.TrimStart('/')).TrimEnd('/'));
        }
    }
}
