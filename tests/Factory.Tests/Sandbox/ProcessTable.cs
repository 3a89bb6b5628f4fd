namespace Factory.Tests.Sandbox;

/// <summary>Looks for processes by a marker in their command line, straight from /proc.</summary>
public static class ProcessTable
{
    /// <summary>
    /// True when no process's command line contains <paramref name="marker"/>. Killed processes disappear from /proc
    /// once reaped, which the kernel does promptly but not instantly, so this polls until a generous deadline.
    /// </summary>
    public static async Task<bool> NoneRunningAsync(string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (!Running(marker))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static bool Running(string marker)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out _))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline"));
                if (commandLine.Contains(marker, StringComparison.Ordinal) && !IsZombie(folder))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked: it is not running.
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's process: not one of ours.
            }
        }

        return false;
    }

    private static bool IsZombie(string folder) =>
        File.ReadAllText(Path.Combine(folder, "stat")).Split(") ")[^1].StartsWith('Z');
}
