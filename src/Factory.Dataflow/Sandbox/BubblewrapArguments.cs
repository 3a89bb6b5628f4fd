using System.Globalization;

namespace Factory.Dataflow.Sandbox;

/// <summary>Builds bwrap's argument list for one command. Order matters: later mounts cover earlier ones.</summary>
internal static class BubblewrapArguments
{
    /// <summary>The capabilities bubblewrap keeps for the launcher when run as root: exactly what dropping to the sandbox's ids needs.</summary>
    public static readonly string[] LauncherCapabilities = ["CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"];

    /// <summary>The folders the sandbox replaces with empty file systems.</summary>
    private static readonly string[] s_emptied = ["/tmp", "/dev/shm", "/root", "/home"];

    /// <summary>The top-level folders the sandbox mounts afresh (empty, or its own /dev and /proc) instead of binding the machine's.</summary>
    private static readonly HashSet<string> s_replaced = new(StringComparer.Ordinal) { "/tmp", "/dev", "/proc", "/root", "/home" };

    /// <param name="command">The command: its working directory, read-only and writable paths.</param>
    /// <param name="environment">The whole environment the tool gets (bubblewrap clears everything else).</param>
    /// <param name="mode">Root (bubblewrap keeps what the launcher needs to drop to the sandbox's ids) or unprivileged.</param>
    /// <param name="tmpSizeBytes">The size of the private /tmp and of /dev/shm.</param>
    /// <param name="inner">What bubblewrap runs: the launcher's command line, ending with the tool's.</param>
    /// <param name="capabilities">
    /// The capabilities kept when run as root; null for the launcher's (<see cref="LauncherCapabilities"/>). The fork
    /// server also keeps CAP_SYS_ADMIN, with which each of its children builds its own mount namespace.
    /// </param>
    public static IReadOnlyList<string> Build(
        SandboxCommand command,
        IReadOnlyDictionary<string, string> environment,
        SandboxIdentityMode mode,
        long tmpSizeBytes,
        IReadOnlyList<string> inner,
        IReadOnlyList<string>? capabilities = null)
    {
        var workingDirectory = Path.GetFullPath(command.WorkingDirectory);
        var tmpSize = tmpSizeBytes.ToString(CultureInfo.InvariantCulture);
        // The whole machine read-only, then a fresh /dev and /proc, and a private /tmp and /dev/shm of bounded size (RAM),
        // writable by the sandbox's user whoever that is.
        var args = MachineReadOnly();
        args.AddRange(
        [
            "--dev", "/dev",
            "--proc", "/proc",
            "--perms", "1777", "--size", tmpSize, "--tmpfs", "/tmp",
            "--perms", "1777", "--size", tmpSize, "--tmpfs", "/dev/shm",

            // Home folders hold keys and tokens that code under test could copy into the worktree, and so into a
            // commit: hide them. Paths the command needs below them are bound back in just below.
            "--tmpfs", "/root",
            "--tmpfs", "/home",
        ]);

        // The worktree and the writable paths are bound after the folders hidden above, so one below /tmp or /root
        // stays visible. bubblewrap would make the folders leading to them in those empty file systems with mode 0700,
        // which only root could pass: make them first, traversable.
        var writablePaths = command.WritablePaths.Select(Path.GetFullPath).ToList();
        foreach (var folder in FoldersLeadingTo([workingDirectory, .. writablePaths], s_emptied))
        {
            args.AddRange(["--perms", "0755", "--dir", folder]);
        }

        // Every request's worktree lies in Factory's worktrees folder: hide the other requests' worktrees too. The default
        // state folder is under the home folder, hidden above, but one set elsewhere (queue workers' --state) is not.
        if (Workspace.RepositoryInfo.WorktreesFolderOf(workingDirectory) is { } worktrees)
        {
            args.AddRange(["--perms", "0755", "--tmpfs", worktrees, "--perms", "0755", "--dir", workingDirectory]);
            foreach (var folder in FoldersLeadingTo(writablePaths, [worktrees]))
            {
                args.AddRange(["--perms", "0755", "--dir", folder]);
            }
        }

        args.AddRange(["--bind", workingDirectory, workingDirectory]);
        foreach (var full in writablePaths)
        {
            args.AddRange(["--bind", full, full]);
        }

        // Re-bound read-only on top of the writable worktree: the .git pointer file (so code under test cannot
        // redirect the factory's later git commands), the tests and the gate configuration (so it cannot rewrite
        // what judges it). A path that does not exist cannot be bound, and needs no protection from being rewritten.
        foreach (var relative in command.ReadOnlyPaths)
        {
            var full = Path.GetFullPath(Path.Combine(workingDirectory, relative));
            if (File.Exists(full) || Directory.Exists(full))
            {
                args.AddRange(["--ro-bind", full, full]);
            }
        }

        args.AddRange(
        [
            "--unshare-net",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--die-with-parent",
            "--new-session",
            "--clearenv",
        ]);

        if (mode == SandboxIdentityMode.DroppedFromRoot)
        {
            // bwrap run by root keeps every capability unless told otherwise; keep only what the launcher needs to
            // drop to the sandbox's ids (it then empties every set, the bounding set included).
            args.AddRange(["--cap-drop", "ALL"]);
            foreach (var capability in capabilities ?? LauncherCapabilities)
            {
                args.AddRange(["--cap-add", capability]);
            }
        }
        else
        {
            // Unprivileged: a user namespace mapping only the user's own id, and no further user namespaces inside.
            args.AddRange(["--unshare-user", "--disable-userns"]);
        }

        foreach (var (name, value) in environment)
        {
            args.AddRange(["--setenv", name, value]);
        }

        // The launcher changes into the working directory once it runs as the sandbox's user: bubblewrap, root without
        // CAP_DAC_OVERRIDE by then, may not be allowed into a folder handed to that user.
        args.AddRange(["--chdir", "/", "--"]);
        args.AddRange(inner);
        return args;
    }

    /// <summary>
    /// The machine's top-level entries, each bound read-only (links recreated as links), except the folders the sandbox
    /// replaces anyway. Not one recursive <c>--ro-bind / /</c>: bubblewrap then remounts every mount below / read-only,
    /// one by one, and fails the whole sandbox ("Can't bind mount /oldroot/ on /newroot/") when one of them is
    /// unmounted meanwhile — which another request's scratch tmpfs under /tmp does all the time (see
    /// <see cref="SandboxScratchFolder"/>). /tmp is never bound, so its mounts come and go unseen.
    /// </summary>
    internal static List<string> MachineReadOnly()
    {
        var args = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries("/").Order(StringComparer.Ordinal))
        {
            if (s_replaced.Contains(entry))
            {
                continue;
            }

            if (new FileInfo(entry).LinkTarget is { } target)
            {
                // Debian's /bin -> usr/bin and the like: a link needs no mount.
                args.AddRange(["--symlink", target, entry]);
            }
            else
            {
                args.AddRange(["--ro-bind", entry, entry]);
            }
        }

        return args;
    }

    /// <summary>The folders above <paramref name="paths"/> that lie strictly below one of <paramref name="emptied"/> (file systems the sandbox makes empty), shallowest first.</summary>
    private static SortedSet<string> FoldersLeadingTo(IEnumerable<string> paths, IReadOnlyList<string> emptied)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            for (var parent = Path.GetDirectoryName(path); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
            {
                if (emptied.Any(root => parent.StartsWith(root + "/", StringComparison.Ordinal)))
                {
                    folders.Add(parent);
                }
            }
        }

        // Ordinal order puts a folder before everything below it.
        return folders;
    }

    /// <summary>True when <paramref name="command"/> leaves its working directory writable (it is not listed read-only).</summary>
    public static bool WorkingDirectoryIsWritable(SandboxCommand command)
    {
        var workingDirectory = Normalized(command.WorkingDirectory);
        return !command.ReadOnlyPaths.Any(p => Normalized(Path.Combine(workingDirectory, p)) == workingDirectory);
    }

    private static string Normalized(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
