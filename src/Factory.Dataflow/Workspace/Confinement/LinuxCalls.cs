using System.Runtime.InteropServices;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The Linux system calls the confined file access needs and .NET does not expose: openat2(2) (through syscall(2): glibc
/// has no wrapper), statx(2) and the *at(2) calls that act relative to a folder's descriptor, so a path is never
/// resolved again after it was judged. Only flags whose values are the same on x86-64 and arm64 are used.
/// </summary>
internal static partial class LinuxCalls
{
    public const int AtFdCwd = -100;
    public const int AtEmptyPath = 0x1000;

    public const ulong ReadOnly = 0;
    public const ulong WriteOnly = 1;
    public const ulong Create = 0x40;        // O_CREAT
    public const ulong Exclusive = 0x80;     // O_EXCL
    public const ulong NoControllingTerminal = 0x100; // O_NOCTTY
    public const ulong NonBlocking = 0x800;  // O_NONBLOCK: opening or reading a FIFO cannot wait for a writer
    public const ulong CloseOnExec = 0x80000; // O_CLOEXEC
    public const ulong PathOnly = 0x200000;  // O_PATH: a descriptor that names a file without opening it

    /// <summary>RESOLVE_NO_MAGICLINKS: no /proc/*/fd or /proc/*/root style links.</summary>
    public const ulong ResolveNoMagicLinks = 0x02;

    /// <summary>RESOLVE_NO_SYMLINKS: no symbolic link at all, in any component.</summary>
    public const ulong ResolveNoSymlinks = 0x04;

    /// <summary>RESOLVE_BENEATH: every component, links included, must stay beneath the starting folder (no '..' above it, no absolute link).</summary>
    public const ulong ResolveBeneath = 0x08;

    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;

    private const long SysOpenat2 = 437; // the same number on every architecture (new system calls share one table)
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff; // type, mode, nlink, uid, gid, times, ino, size, blocks
    private const int StatxBufferSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>openat2(2): returns a descriptor, or -1 with the error in <see cref="Marshal.GetLastPInvokeError"/>.</summary>
    public static int Openat2(int directory, string path, ulong flags, ulong mode, ulong resolve)
    {
        var how = new OpenHow { Flags = flags, Mode = mode, Resolve = resolve };
        while (true)
        {
            var fd = (int)Syscall(SysOpenat2, directory, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (fd >= 0 || Marshal.GetLastPInvokeError() != EINTR)
            {
                return fd;
            }
        }
    }

    /// <summary>The type bits, permission bits and size of an open descriptor (statx with AT_EMPTY_PATH).</summary>
    public static (uint Mode, long Size) Status(SafeHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var errno = Read((int)handle.DangerousGetHandle(), "", AtEmptyPath, out var status);
            return errno == 0 ? (status.Mode, status.Size) : throw Failure("statx", errno);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The entry at <paramref name="path"/> itself (a link is not followed); null when it does not exist.</summary>
    public static FileStatus? StatusOf(string path)
    {
        var errno = Read(AtFdCwd, path, AtSymlinkNoFollow, out var status);
        return errno switch
        {
            0 => status,
            ENOENT => null,
            _ => throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
    }

    // One statx call and the one reading of its layout; 0, or the errno.
    private static int Read(int directory, string path, int flags, out FileStatus status)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        if (Statx(directory, path, flags, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            status = default;
            return Marshal.GetLastPInvokeError();
        }

        // struct statx (the same layout on every architecture): u32 mask, u32 blksize, u64 attributes, u32 nlink at 16,
        // u32 uid, u32 gid, u16 mode at 28, ..., u64 size at 40, ..., u32 dev_major and u32 dev_minor at 136.
        status = new FileStatus(
            LinkCount: MemoryMarshal.Read<uint>(buffer[16..]),
            UserId: MemoryMarshal.Read<uint>(buffer[20..]),
            GroupId: MemoryMarshal.Read<uint>(buffer[24..]),
            Mode: MemoryMarshal.Read<ushort>(buffer[28..]),
            Size: MemoryMarshal.Read<long>(buffer[40..]),
            Device: ((ulong)MemoryMarshal.Read<uint>(buffer[136..]) << 32) | MemoryMarshal.Read<uint>(buffer[140..]));
        return 0;
    }

    public static IOException Failure(string call, int errno) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref OpenHow how, nuint size);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int Mkdirat(SafeHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true)]
    public static partial int Renameat(SafeHandle fromDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string from, SafeHandle toDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true)]
    public static partial int Linkat(SafeHandle fromDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string from, SafeHandle toDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string to, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int Unlinkat(SafeHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(SafeHandle file, uint mode);
}
