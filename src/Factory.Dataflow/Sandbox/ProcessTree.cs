using System.Diagnostics;
using System.Globalization;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Kills a process and all its descendants, deepest first. Order matters under bubblewrap: killing the outer bwrap
/// first can orphan the sandbox's init (and with it the whole PID namespace), while killing that init first makes the
/// kernel kill every process in the namespace, however it detached itself.
/// </summary>
internal static class ProcessTree
{
    public static void Kill(int rootPid)
    {
        // A few rounds: a process may fork between one listing and the kill; the second pass catches its children.
        for (var round = 0; round < 5; round++)
        {
            var descendants = Descendants(rootPid);
            if (descendants.Count == 0)
            {
                break;
            }

            for (var i = descendants.Count - 1; i >= 0; i--)
            {
                KillOne(descendants[i]);
            }
        }

        KillOne(rootPid);
    }

    /// <summary>The descendants of <paramref name="rootPid"/>, parents before children.</summary>
    internal static List<int> Descendants(int rootPid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ||
                ParentOf(folder) is not { } parent)
            {
                continue;
            }

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var ordered = new List<int>();
        var queue = new Queue<int>([rootPid]);
        while (queue.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                ordered.Add(child);
                queue.Enqueue(child);
            }
        }

        return ordered;
    }

    private static int? ParentOf(string procFolder)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
            var stat = File.ReadAllText(Path.Combine(procFolder, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // The process ended while we looked.
        }
    }

    private static void KillOne(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Exited between the lookup and the kill.
        }
    }
}
