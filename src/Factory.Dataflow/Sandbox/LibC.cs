using System.Runtime.InteropServices;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The few libc calls .NET has no API for: the process's user ids, file owners and link counts (statx, whose layout is
/// the same on every architecture), lchown, and tmpfs mounts for scratch folders.
/// </summary>
internal static partial class LibC
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBufferSize = 256;

    public const uint FileTypeMask = 0xF000;
    public const uint Directory = 0x4000;
    public const uint RegularFile = 0x8000;
    public const uint SymbolicLink = 0xA000;

    public static uint EffectiveUserId => geteuid();

    public static uint EffectiveGroupId => getegid();

    /// <summary>The entry itself (a link is not followed); null when it does not exist.</summary>
    public static FileStatus? StatusOf(string path)
    {
        var buffer = new byte[StatxBufferSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? null : throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode, ..., then at 136
        // u32 dev_major and u32 dev_minor.
        var span = buffer.AsSpan();
        return new FileStatus(
            LinkCount: MemoryMarshal.Read<uint>(span[16..]),
            UserId: MemoryMarshal.Read<uint>(span[20..]),
            GroupId: MemoryMarshal.Read<uint>(span[24..]),
            Mode: MemoryMarshal.Read<ushort>(span[28..]),
            Device: ((ulong)MemoryMarshal.Read<uint>(span[136..]) << 32) | MemoryMarshal.Read<uint>(span[140..]));
    }

    /// <summary>Changes the owner of the entry itself, never what a link points to.</summary>
    public static void ChangeOwner(string path, uint userId, uint groupId)
    {
        if (lchown(path, userId, groupId) != 0)
        {
            throw new IOException($"lchown {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
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
    private static partial int statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string fileSystemType, ulong flags, string data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    /// <summary>What <see cref="StatusOf"/> reads of one entry.</summary>
    internal readonly record struct FileStatus(uint LinkCount, uint UserId, uint GroupId, ushort Mode, ulong Device)
    {
        public uint FileType => Mode & FileTypeMask;
    }
}
