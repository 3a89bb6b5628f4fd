namespace Factory.Dataflow.Sandbox;

/// <summary>One command for <see cref="SandboxedRunner"/>: an executable and its arguments as an array, never a shell string.</summary>
/// <param name="Executable">An allowlisted executable: an absolute path or a bare name found on the sandbox's PATH.</param>
/// <param name="Arguments">The arguments, passed as they are (no shell, no splitting, no globbing).</param>
/// <param name="WorkingDirectory">
/// The worktree: the command's working directory, writable unless <see cref="ReadOnlyPaths"/> lists <c>.</c>. The
/// sandbox's user must be able to enter it (git makes worktrees 0755); a writable one is handed to that user for the run.
/// </param>
public sealed record SandboxCommand(string Executable, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>How long the command may run before its whole process tree is killed; null for the runner's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Paths inside <see cref="WorkingDirectory"/> (relative to it) that stay read-only, e.g. the worktree's <c>.git</c>
    /// file, the test folder and the gate configuration. Paths that do not exist are skipped.
    /// </summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>
    /// Absolute paths outside the worktree the command may write to (a private mypy cache, a coverage data folder; see
    /// <see cref="SandboxedRunner.CreateScratchFolder"/>). When Factory runs as root the runner hands them to the
    /// sandbox's user id for the run and takes them back after it, so one command at a time may use a given path.
    /// </summary>
    public IReadOnlyList<string> WritablePaths { get; init; } = [];

    /// <summary>Extra environment variables, on top of the scrubbed base environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The command line for messages, e.g. <c>mypy app</c>.</summary>
    public string Display => string.Join(' ', Arguments.Prepend(Path.GetFileName(Executable)));
}
