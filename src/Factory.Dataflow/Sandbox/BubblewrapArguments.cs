namespace Factory.Dataflow.Sandbox;

/// <summary>Builds bwrap's argument list for one command. Order matters: later mounts cover earlier ones.</summary>
internal static class BubblewrapArguments
{
    public static IReadOnlyList<string> Build(
        string executable, SandboxCommand command, IReadOnlyDictionary<string, string> environment)
    {
        var workingDirectory = Path.GetFullPath(command.WorkingDirectory);
        var args = new List<string>
        {
            // The whole machine read-only, then a fresh /dev, /proc and a private /tmp.
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",

            // Home folders hold keys and tokens that code under test could copy into the worktree, and so into a
            // commit: hide them. Paths the command needs below them are bound back in just below.
            "--tmpfs", "/root",
            "--tmpfs", "/home",

            // The worktree is the one writable place (bound after /tmp, so a worktree under /tmp stays visible).
            "--bind", workingDirectory, workingDirectory,
        };

        foreach (var writable in command.WritablePaths)
        {
            var full = Path.GetFullPath(writable);
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

        foreach (var (name, value) in environment)
        {
            args.AddRange(["--setenv", name, value]);
        }

        args.AddRange(["--chdir", workingDirectory, "--", executable]);
        args.AddRange(command.Arguments);
        return args;
    }
}
