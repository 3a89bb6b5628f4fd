namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The host user and group id one sandbox runs as, held for the run. When Factory runs as root this is an id of the
/// sandbox's own, locked against every other sandbox on the machine until disposed; otherwise it is Factory's own user.
/// </summary>
internal sealed class SandboxIdentity : IDisposable
{
    private readonly FileStream? _lock;

    public SandboxIdentity(uint userId, uint groupId, FileStream? heldLock)
    {
        UserId = userId;
        GroupId = groupId;
        _lock = heldLock;
    }

    public uint UserId { get; }

    public uint GroupId { get; }

    /// <summary>
    /// Waits until no live process runs as this identity's user (zombies cannot run and are skipped), so its files can
    /// be taken back and the id handed to another sandbox. Only meaningful for an id of the sandbox's own.
    /// </summary>
    /// <returns>False when some process still ran as the user after <paramref name="patience"/>.</returns>
    public bool WaitUntilNoProcessRuns(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (AnyProcessRuns())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    public void Dispose() => _lock?.Dispose();

    private bool AnyProcessRuns()
    {
        var uid = UserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // "State:\tZ (zombie)" and "Uid:\treal effective saved filesystem".
                var lines = File.ReadLines(Path.Combine(folder, "status")).ToList();
                var zombie = lines.Any(l => l.StartsWith("State:\tZ", StringComparison.Ordinal));
                var ids = lines.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (!zombie && ids is not null && ids.Split('\t').Skip(1).Contains(uid))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Not a process, or it ended while we looked.
            }
        }

        return false;
    }
}
