namespace Factory.Dataflow.Sandbox;

/// <summary>How <see cref="SandboxedRunner"/> runs the gates' tools. Validated once, when the runner is built.</summary>
public sealed class SandboxOptions
{
    /// <summary>The bubblewrap executable.</summary>
    /// <value>Defaults to <c>/usr/bin/bwrap</c>.</value>
    public string BubblewrapPath { get; set; } = "/usr/bin/bwrap";

    /// <summary>
    /// Runs the tools without bubblewrap when it is missing. Model-written code then runs with the factory's own
    /// rights (network, the whole file system), so this is an explicit opt-out and every run logs a warning.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: without bwrap the runner refuses to run anything.</value>
    public bool AllowUnsandboxed { get; set; }

    /// <summary>
    /// The executables the runner may start, as absolute paths or bare names looked up on <see cref="SearchPath"/>.
    /// A command naming anything else is refused.
    /// </summary>
    /// <value>Defaults to <c>/usr/bin/python3</c> and <c>ruff</c>.</value>
    public IList<string> AllowedExecutables { get; } = ["/usr/bin/python3", "ruff"];

    /// <summary>The PATH the tools see (and bare executable names are resolved on).</summary>
    /// <value>Defaults to <c>/usr/local/bin:/usr/bin:/bin</c>.</value>
    public string SearchPath { get; set; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>How long one command may run before its whole process tree is killed, unless the command says otherwise.</summary>
    /// <value>Defaults to 120 seconds.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The most characters kept from each of stdout and stderr; beyond it the first and last halves are kept with a
    /// marker saying how much was dropped.
    /// </summary>
    /// <value>Defaults to 64,000.</value>
    public int MaxOutputChars { get; set; } = 64_000;

    /// <summary>
    /// The most memory the sandbox's processes may use together, RAM-backed /tmp and /dev/shm included (tmpfs pages are
    /// charged to the cgroup that wrote them). Enforced by a cgroup per run (v2 where its memory controller can be
    /// delegated, v1 otherwise); where no cgroup can be written, each process gets it as RLIMIT_DATA instead (not
    /// RLIMIT_AS, which breaks V8's WebAssembly reservations in ruff). Reaching it kills a process: the result says so.
    /// </summary>
    /// <value>Defaults to 2 GiB. Measured on samples/targetapp (peak of a v1 memory cgroup, page cache included): cold
    /// mypy 155 MiB, ruff 68 MiB, pytest with coverage 42 MiB; a large project's mypy needs far more.</value>
    public long MemoryLimitBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// The most processes and threads the sandboxed command may hold at once (bubblewrap's own two are allowed on top).
    /// Enforced by the cgroup's pids controller, or RLIMIT_NPROC of the sandbox's own user id where no cgroup can be written.
    /// </summary>
    /// <value>Defaults to 256: node (ruff) starts about a dozen threads, pytest and mypy one each.</value>
    public int MaxProcesses { get; set; } = 256;

    /// <summary>
    /// The most CPU time one process of the sandbox may use (RLIMIT_CPU: SIGXCPU, then SIGKILL a few seconds later).
    /// Per process: the command's wall-clock timeout is what bounds the whole process tree.
    /// </summary>
    /// <value>Defaults to 120 seconds.</value>
    public TimeSpan CpuTimeLimit { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The most cores the sandbox's processes may keep busy together, as a CPU bandwidth quota of the run's cgroup
    /// (v2 <c>cpu.max</c>, v1 <c>cpu.cfs_quota_us</c> over a 100 ms period): a change whose tests spin in many processes
    /// slows itself down, not the other requests on the machine. 0 sets no quota. Where the machine offers no CPU
    /// controller the quota is not set and <see cref="SandboxLayers.CpuShare"/> says so.
    /// </summary>
    /// <value>Defaults to 1 core: the tools themselves (ruff, mypy, pytest) use one at a time.</value>
    public double CpuCores { get; set; } = 1.0;

    /// <summary>The largest file a sandboxed process may write (RLIMIT_FSIZE), on any writable path, /tmp included.</summary>
    /// <value>Defaults to 256 MiB.</value>
    public long MaxFileSizeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most files one sandboxed process may hold open (RLIMIT_NOFILE).</summary>
    /// <value>Defaults to 1,024.</value>
    public int MaxOpenFiles { get; set; } = 1024;

    /// <summary>The size of the sandbox's private /tmp, and separately of its /dev/shm (each a tmpfs: RAM, not disk).</summary>
    /// <value>Defaults to 256 MiB.</value>
    public long TmpSizeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The size of each scratch folder made by <see cref="SandboxedRunner.CreateScratchFolder"/> (e.g. TEST's coverage
    /// data): a tmpfs mounted on the host when Factory runs as root, so it is bounded and off the host disk.
    /// </summary>
    /// <value>Defaults to 256 MiB.</value>
    public long ScratchSizeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// When Factory runs as root, each sandbox runs as a user id of its own taken from
    /// [<see cref="SandboxUserIdStart"/>, start + <see cref="SandboxUserIdCount"/>), with the same number as group id
    /// and no supplementary groups. Ids in use are locked (flock) across every Factory process on the machine, so
    /// RLIMIT_NPROC and file ownership count one sandbox only. Choose ids no account on the machine uses.
    /// </summary>
    /// <value>Defaults to 1,879,048,192 (0x70000000): just above systemd's container range (524,288–1,879,048,191).</value>
    public uint SandboxUserIdStart { get; set; } = 0x7000_0000;

    /// <summary>How many user ids the sandboxes may use at once (see <see cref="SandboxUserIdStart"/>).</summary>
    /// <value>Defaults to 256.</value>
    public int SandboxUserIdCount { get; set; } = 256;

    /// <summary>
    /// Runs the tool in a user namespace of its own that maps only its own user id. Unprivileged: bubblewrap makes it
    /// and disables further user namespaces inside (so it is needed, and <see cref="SandboxRequirement.Off"/> is refused).
    /// As root: the launcher makes it after dropping to the sandbox's user id, when the kernel allows unprivileged user
    /// namespaces; it is defence in depth there (the process has no capabilities in any namespace either way).
    /// </summary>
    /// <value>Defaults to <see cref="SandboxRequirement.IfAvailable"/>.</value>
    public SandboxRequirement UserNamespace { get; set; } = SandboxRequirement.IfAvailable;

    /// <summary>
    /// Installs a seccomp filter (x86_64 only) that refuses mount and the new mount API, namespace calls (unshare, setns,
    /// clone with namespace flags; clone3 answers ENOSYS so libc falls back to clone), tracing (ptrace,
    /// process_vm_readv/writev, pidfd_getfd), kernel loading (kexec, modules, bpf), perf_event_open, keyrings,
    /// open_by_handle_at, userfaultfd, io_uring, vsock sockets and the like; any other architecture's system calls are killed.
    /// </summary>
    /// <value>Defaults to <see cref="SandboxRequirement.Required"/>: on another architecture the runner refuses to start
    /// unless this is lowered to <see cref="SandboxRequirement.IfAvailable"/>.</value>
    public SandboxRequirement Seccomp { get; set; } = SandboxRequirement.Required;

    /// <summary>
    /// Uses a cgroup per run for the memory and process bounds. Where none can be written (a read-only /sys/fs/cgroup in
    /// a container, cgroup v2 without delegation), <see cref="SandboxRequirement.IfAvailable"/> falls back to resource
    /// limits per process and logs it; <see cref="SandboxRequirement.Off"/> always uses the resource limits.
    /// </summary>
    /// <value>Defaults to <see cref="SandboxRequirement.IfAvailable"/>.</value>
    public SandboxRequirement Cgroups { get; set; } = SandboxRequirement.IfAvailable;

    /// <summary>
    /// The Python that runs the sandbox's launcher (run isolated, <c>-I -S</c>, before anything of the worktree's).
    /// It needs only the standard library (ctypes, resource, json).
    /// </summary>
    /// <value>Defaults to <c>/usr/bin/python3</c>.</value>
    public string LauncherInterpreter { get; set; } = "/usr/bin/python3";

    /// <summary>Checks the options and returns a copy, so later changes to this instance do not affect a runner.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    internal SandboxOptions ValidateAndCopy()
    {
        if (string.IsNullOrWhiteSpace(BubblewrapPath) || !Path.IsPathFullyQualified(BubblewrapPath))
        {
            throw new ArgumentException($"SandboxOptions.BubblewrapPath must be an absolute path, not '{BubblewrapPath}'.");
        }

        if (AllowedExecutables.Count == 0 || AllowedExecutables.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("SandboxOptions.AllowedExecutables must list at least one executable, and no empty names.");
        }

        if (string.IsNullOrWhiteSpace(SearchPath))
        {
            throw new ArgumentException("SandboxOptions.SearchPath must not be empty.");
        }

        if (DefaultTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SandboxOptions.DefaultTimeout must be positive, not {DefaultTimeout}.");
        }

        if (MaxOutputChars < 1_000)
        {
            throw new ArgumentException($"SandboxOptions.MaxOutputChars must be at least 1000, not {MaxOutputChars}.");
        }

        ValidateBounds();
        if (string.IsNullOrWhiteSpace(LauncherInterpreter) || !Path.IsPathFullyQualified(LauncherInterpreter))
        {
            throw new ArgumentException($"SandboxOptions.LauncherInterpreter must be an absolute path, not '{LauncherInterpreter}'.");
        }

        var copy = new SandboxOptions
        {
            BubblewrapPath = BubblewrapPath,
            AllowUnsandboxed = AllowUnsandboxed,
            SearchPath = SearchPath,
            DefaultTimeout = DefaultTimeout,
            MaxOutputChars = MaxOutputChars,
            MemoryLimitBytes = MemoryLimitBytes,
            MaxProcesses = MaxProcesses,
            CpuTimeLimit = CpuTimeLimit,
            CpuCores = CpuCores,
            MaxFileSizeBytes = MaxFileSizeBytes,
            MaxOpenFiles = MaxOpenFiles,
            TmpSizeBytes = TmpSizeBytes,
            ScratchSizeBytes = ScratchSizeBytes,
            SandboxUserIdStart = SandboxUserIdStart,
            SandboxUserIdCount = SandboxUserIdCount,
            UserNamespace = UserNamespace,
            Seccomp = Seccomp,
            Cgroups = Cgroups,
            LauncherInterpreter = LauncherInterpreter,
        };
        copy.AllowedExecutables.Clear();
        foreach (var executable in AllowedExecutables)
        {
            copy.AllowedExecutables.Add(executable);
        }

        return copy;
    }

    private void ValidateBounds()
    {
        const long MiB = 1024 * 1024;
        RequireAtLeast(nameof(MemoryLimitBytes), MemoryLimitBytes, 64 * MiB, "64 MiB");
        RequireAtLeast(nameof(MaxProcesses), MaxProcesses, 8, "8 (bubblewrap itself takes two)");
        RequireAtLeast(nameof(MaxFileSizeBytes), MaxFileSizeBytes, MiB, "1 MiB");
        RequireAtLeast(nameof(MaxOpenFiles), MaxOpenFiles, 64, "64");
        RequireAtLeast(nameof(TmpSizeBytes), TmpSizeBytes, MiB, "1 MiB");
        RequireAtLeast(nameof(ScratchSizeBytes), ScratchSizeBytes, MiB, "1 MiB");
        if (CpuTimeLimit < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"SandboxOptions.CpuTimeLimit must be at least 1 second, not {CpuTimeLimit}.");
        }

        // Below a hundredth of a core the kernel's minimum quota (1 ms per period) is near and the tools cannot start.
        if (CpuCores != 0 && !(CpuCores >= 0.01 && CpuCores <= 1024))
        {
            throw new ArgumentException($"SandboxOptions.CpuCores must be 0 (no quota) or between 0.01 and 1024 cores, not {CpuCores}.");
        }

        // Below 1000 are system accounts; keeping the range under 2^31 avoids tools that treat ids as signed.
        if (SandboxUserIdStart < 1000 || SandboxUserIdCount < 1 || SandboxUserIdCount > 65_536 ||
            SandboxUserIdStart + (ulong)SandboxUserIdCount > int.MaxValue)
        {
            throw new ArgumentException(
                $"SandboxOptions.SandboxUserIdStart ({SandboxUserIdStart}) and SandboxUserIdCount ({SandboxUserIdCount}) must give " +
                "a range of 1 to 65,536 user ids between 1000 and 2,147,483,647.");
        }

        foreach (var (name, value) in new[] { (nameof(UserNamespace), UserNamespace), (nameof(Seccomp), Seccomp), (nameof(Cgroups), Cgroups) })
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentException($"SandboxOptions.{name} must be Off, IfAvailable or Required, not {value}.");
            }
        }
    }

    private static void RequireAtLeast(string name, long value, long minimum, string display)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"SandboxOptions.{name} must be at least {display}, not {value}.");
        }
    }
}
