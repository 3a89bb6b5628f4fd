namespace Factory.Dataflow.Workspace;

/// <summary>
/// A lock file held open (exclusively) by the process that owns a workspace. The operating system releases it when
/// that process dies, however it dies, so a later run can tell a live workspace from one left by a killed run.
/// </summary>
internal static class OwnerLock
{
    /// <summary>Takes the lock, or returns null when a live process holds it.</summary>
    public static FileStream? TryAcquire(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
            stream.Write(pid);
            stream.Flush();
            return stream;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when a live process holds the lock at <paramref name="path"/>.</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var probe = TryAcquire(path);
        return probe is null;
    }
}
