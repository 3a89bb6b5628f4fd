using System.Runtime.InteropServices;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The few libc calls .NET has no API for: the process's user ids, lchown, and tmpfs mounts for scratch folders (an
/// entry's owner and link count come from <see cref="Workspace.LinuxCalls.StatusOf"/>).
/// </summary>
internal static partial class LibC
{
    public static uint EffectiveUserId => geteuid();

    public static uint EffectiveGroupId => getegid();

    /// <summary>Changes the owner of the entry itself, never what a link points to.</summary>
    public static void ChangeOwner(string path, uint userId, uint groupId)
    {
        if (lchown(path, userId, groupId) != 0)
        {
            throw new IOException($"lchown {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>Makes <paramref name="name"/> a hard link to <paramref name="existing"/> (link(2)).</summary>
    /// <exception cref="IOException">The link could not be made; the message names both paths and the reason.</exception>
    public static void HardLink(string existing, string name)
    {
        if (link(existing, name) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not link {existing} as {name}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    /// <summary>Mounts a tmpfs of at most <paramref name="sizeBytes"/> on <paramref name="target"/>; false with the reason when refused.</summary>
    public static bool TryMountTmpfs(string target, long sizeBytes, out string error)
    {
        const ulong NoSuid = 2, NoDev = 4, NoExec = 8;
        if (mount("factory-scratch", target, "tmpfs", NoSuid | NoDev | NoExec, $"size={sizeBytes},mode=0700") == 0)
        {
            error = "";
            return true;
        }

        error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return false;
    }

    /// <summary>
    /// Makes the mount on <paramref name="target"/> shared, so mounts made below it later also appear in the sandboxes
    /// that bound it before (bubblewrap's binds are slaves of the machine's mounts); false with the reason when refused.
    /// </summary>
    public static bool TryMakeShared(string target, out string error)
    {
        const ulong Shared = 1 << 20;
        if (mount(null, target, null, Shared, null) == 0)
        {
            error = "";
            return true;
        }

        error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return false;
    }

    /// <summary>Detaches the mount on <paramref name="target"/> (lazily, so an open file cannot keep it).</summary>
    public static void Unmount(string target)
    {
        const int Detach = 2;
        if (umount2(target, Detach) != 0)
        {
            throw new IOException($"umount {target}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc")]
    private static partial uint getegid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string? source, string target, string? fileSystemType, ulong flags, string? data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existing, string name);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

}
