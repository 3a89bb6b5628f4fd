using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The sandbox's seccomp filter as a classic BPF program (what prctl(PR_SET_SECCOMP) and bwrap's --seccomp take), built
/// here so it needs no libseccomp. A deny list, as Docker's and Flatpak's are, of the calls a test never needs and an
/// escape or a kernel exploit usually does. x86_64 only: a call made through another ABI (i386's int 0x80) kills the
/// process, an x32 call fails, so the numbers below cannot be reached under other names.
/// </summary>
internal static class SeccompFilter
{
    private const uint AuditArchX8664 = 0xC000_003E;
    private const uint X32SyscallBit = 0x4000_0000;
    private const uint ReturnKillProcess = 0x8000_0000;
    private const uint ReturnAllow = 0x7FFF_0000;
    private const uint ReturnErrno = 0x0005_0000;
    private const uint Eperm = 1;
    private const uint Enosys = 38;

    // BPF opcodes: load word at absolute offset, jump if equal / if greater or equal / if bits set, return.
    private const ushort LoadWord = 0x20;
    private const ushort JumpEqual = 0x15;
    private const ushort JumpGreaterOrEqual = 0x35;
    private const ushort JumpSet = 0x45;
    private const ushort Return = 0x06;

    // struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (low word first on little endian).
    private const uint OffsetNumber = 0;
    private const uint OffsetArchitecture = 4;
    private const uint OffsetArgument0 = 16;
    private const uint OffsetArgument1 = 24;

    /// <summary>The x86_64 calls refused with EPERM, by name (for messages and docs) and number.</summary>
    public static readonly IReadOnlyList<(string Name, uint Number)> Denied =
    [
        // Mounts and the new mount API: nothing in the sandbox may change what it sees.
        ("mount", 165), ("umount2", 166), ("pivot_root", 155), ("chroot", 161), ("open_tree", 428), ("move_mount", 429),
        ("fsopen", 430), ("fsconfig", 431), ("fsmount", 432), ("fspick", 433), ("mount_setattr", 442), ("open_tree_attr", 467),

        // Namespaces: a new user namespace hands its creator every capability over what that namespace owns.
        ("unshare", 272), ("setns", 308),

        // Tracing and reaching into other processes.
        ("ptrace", 101), ("process_vm_readv", 310), ("process_vm_writev", 311), ("pidfd_getfd", 438), ("kcmp", 312),
        ("process_madvise", 440),

        // The kernel itself: loading code, tracing it, its keyrings, its clock and identity, its swap and quotas.
        ("kexec_load", 246), ("kexec_file_load", 320), ("init_module", 175), ("finit_module", 313), ("delete_module", 176),
        ("bpf", 321), ("perf_event_open", 298), ("keyctl", 250), ("add_key", 248), ("request_key", 249),
        ("settimeofday", 164), ("clock_settime", 227), ("clock_adjtime", 305), ("adjtimex", 159), ("sethostname", 170),
        ("setdomainname", 171), ("swapon", 167), ("swapoff", 168), ("reboot", 169), ("acct", 163), ("quotactl", 179),
        ("quotactl_fd", 443), ("iopl", 172), ("ioperm", 173), ("syslog", 103), ("vhangup", 153), ("lookup_dcookie", 212),
        ("uselib", 134), ("nfsservctl", 180), ("_sysctl", 156), ("fanotify_init", 300),

        // Known sharp edges: file handles that bypass path checks (the "shocker" container escape), page-fault handling
        // from user space (a favourite of kernel exploits), and io_uring (its own attack surface, and it makes sockets
        // without calling socket()).
        ("open_by_handle_at", 304), ("userfaultfd", 323), ("io_uring_setup", 425), ("io_uring_enter", 426),
        ("io_uring_register", 427),
    ];

    private const uint Clone = 56;
    private const uint Clone3 = 435;
    private const uint Ioctl = 16;
    private const uint Socket = 41;

    // CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME.
    private const uint NamespaceFlags = 0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000 | 0x80;
    private const uint Tiocsti = 0x5412; // Pushes bytes into a terminal's input: typing into the user's shell.
    private const uint Tioclinux = 0x541C;
    private const uint AfVsock = 40; // Not namespaced: reaches the hypervisor's host from a VM despite --unshare-net.

    /// <summary>The filter for the machine Factory runs on, or null where there is none (not x86_64).</summary>
    public static byte[]? ForThisMachine() => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? BuildX8664() : null;

    public static byte[] BuildX8664()
    {
        var program = new List<(ushort Code, byte True, byte False, uint K)>
        {
            (LoadWord, 0, 0, OffsetArchitecture),
            (JumpEqual, 1, 0, AuditArchX8664),
            (Return, 0, 0, ReturnKillProcess),
            (LoadWord, 0, 0, OffsetNumber),
            (JumpGreaterOrEqual, 0, 1, X32SyscallBit),
            (Return, 0, 0, ReturnErrno | Enosys),

            // clone3 passes its flags in a structure BPF cannot read: answer "not implemented" and libc uses clone.
            (JumpEqual, 0, 1, Clone3),
            (Return, 0, 0, ReturnErrno | Enosys),
        };

        foreach (var (_, number) in Denied)
        {
            program.Add((JumpEqual, 0, 1, number));
            program.Add((Return, 0, 0, ReturnErrno | Eperm));
        }

        // Each check below reloads the call number first, as loading an argument replaced it.
        AddArgumentCheck(program, Clone, OffsetArgument0, JumpSet, NamespaceFlags);
        AddArgumentCheck(program, Ioctl, OffsetArgument1, JumpEqual, Tiocsti);
        AddArgumentCheck(program, Ioctl, OffsetArgument1, JumpEqual, Tioclinux);
        AddArgumentCheck(program, Socket, OffsetArgument0, JumpEqual, AfVsock);
        program.Add((Return, 0, 0, ReturnAllow));

        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var (code, jumpTrue, jumpFalse, k) = program[i];
            var slot = bytes.AsSpan(i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(slot, code);
            slot[2] = jumpTrue;
            slot[3] = jumpFalse;
            BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], k);
        }

        return bytes;
    }

    /// <summary>Refuses (EPERM) call <paramref name="number"/> when its argument at <paramref name="offset"/> matches.</summary>
    private static void AddArgumentCheck(List<(ushort, byte, byte, uint)> program, uint number, uint offset, ushort test, uint value)
    {
        program.Add((LoadWord, 0, 0, OffsetNumber));
        program.Add((JumpEqual, 0, 3, number));
        program.Add((LoadWord, 0, 0, offset));
        program.Add((test, 0, 1, value));
        program.Add((Return, 0, 0, ReturnErrno | Eperm));
    }
}
