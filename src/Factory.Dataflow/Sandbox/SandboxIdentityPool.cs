namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Hands out the user ids sandboxes run as when Factory is root: one id per running sandbox, so RLIMIT_NPROC counts one
/// sandbox's processes and no sandbox owns another's files. An id is taken by an exclusive lock (flock, through
/// <see cref="FileShare.None"/>) on a file under /run, which the kernel releases if Factory dies, so concurrent runners
/// and concurrent Factory processes never share an id and a crash leaks none.
/// </summary>
internal sealed class SandboxIdentityPool
{
    private const string LockDirectory = "/run/factory-sandbox/ids";
    private readonly uint _start;
    private readonly int _count;
    private int _next;

    public SandboxIdentityPool(uint start, int count)
    {
        _start = start;
        _count = count;
        _next = Random.Shared.Next(count); // Spreads concurrent Factory processes over the range.
    }

    public SandboxIdentity Acquire()
    {
        CreateLockDirectory();
        var first = Interlocked.Increment(ref _next);
        for (var attempt = 0; attempt < _count; attempt++)
        {
            var id = _start + (uint)((first + attempt) % _count);
            var path = Path.Combine(LockDirectory, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new SandboxIdentity(id, id, held);
            }
            catch (IOException)
            {
                // Another sandbox (of this or another Factory process) holds it: try the next.
            }
        }

        throw new GateEnvironmentException(
            $"All {_count} sandbox user ids from {_start} are in use by running sandboxes; raise SandboxOptions.SandboxUserIdCount " +
            "or run fewer gates at once.");
    }

    private static void CreateLockDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The sandbox runs on Linux only.");
        }

        try
        {
            // Root-only: nobody else may take or hold an id.
            Directory.CreateDirectory(LockDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new GateEnvironmentException(
                $"The sandbox keeps its user id leases in {LockDirectory}, which cannot be made ({exception.Message}).", exception);
        }
    }
}
