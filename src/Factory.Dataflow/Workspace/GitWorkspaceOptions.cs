namespace Factory.Dataflow.Workspace;

/// <summary>Options for <see cref="GitWorkspaceProvider"/>. Validated once, when the provider is built.</summary>
public sealed class GitWorkspaceOptions
{
    internal const string DefaultPythonInterpreter = "/usr/bin/python3";

    /// <summary>The user's repository (any folder inside its checkout). Required. It is read, never changed.</summary>
    public string RepositoryPath { get; set; } = "";

    /// <summary>
    /// Where the factory keeps its worktrees and lock files for this repository; must be outside the checkout.
    /// </summary>
    /// <value>
    /// Defaults to null: <c>$XDG_STATE_HOME/factory/&lt;repo-name&gt;-&lt;hash&gt;</c> (or <c>~/.local/state/...</c>).
    /// </value>
    public string? StateDirectory { get; set; }

    /// <summary>Keeps the worktree and branch of a failed or rejected request for inspection instead of removing them.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool KeepFailedWorkspaces { get; set; }

    /// <summary>The largest file the jailed writer accepts, in UTF-8 bytes.</summary>
    /// <value>Defaults to 262,144 (256 KiB).</value>
    public int MaxFileBytes { get; set; } = 256 * 1024;

    /// <summary>The most files the jailed writer accepts in one batch.</summary>
    /// <value>Defaults to 20.</value>
    public int MaxFilesPerWrite { get; set; } = 20;

    /// <summary>
    /// The Python whose standard library and installed packages a new file may not shadow (the jailed writer refuses a
    /// top-level module named like one of them). Its module names are listed once per process.
    /// </summary>
    /// <value>Defaults to null: the gates' interpreter when registered with <c>AddFactoryPipeline</c>, otherwise <c>/usr/bin/python3</c>.</value>
    public string? PythonInterpreter { get; set; }

    /// <summary>The branch name prefix; the request id follows it.</summary>
    /// <value>Defaults to <c>factory/</c>.</value>
    public string BranchPrefix { get; set; } = "factory/";

    internal GitWorkspaceOptions ValidateAndCopy()
    {
        if (string.IsNullOrWhiteSpace(RepositoryPath))
        {
            throw new ArgumentException("GitWorkspaceOptions.RepositoryPath is required: the repository the factory works on.");
        }

        if (!Directory.Exists(RepositoryPath))
        {
            throw new ArgumentException($"GitWorkspaceOptions.RepositoryPath '{RepositoryPath}' does not exist.");
        }

        if (StateDirectory is not null && !Path.IsPathFullyQualified(StateDirectory))
        {
            throw new ArgumentException($"GitWorkspaceOptions.StateDirectory must be an absolute path, not '{StateDirectory}'.");
        }

        if (PythonInterpreter is not null && !Path.IsPathFullyQualified(PythonInterpreter))
        {
            throw new ArgumentException($"GitWorkspaceOptions.PythonInterpreter must be an absolute path, not '{PythonInterpreter}'.");
        }

        if (MaxFileBytes < 1)
        {
            throw new ArgumentException($"GitWorkspaceOptions.MaxFileBytes must be positive, not {MaxFileBytes}.");
        }

        if (MaxFilesPerWrite < 1)
        {
            throw new ArgumentException($"GitWorkspaceOptions.MaxFilesPerWrite must be positive, not {MaxFilesPerWrite}.");
        }

        if (string.IsNullOrWhiteSpace(BranchPrefix) || !BranchPrefix.EndsWith('/') || BranchPrefix.Contains("..", StringComparison.Ordinal) ||
            BranchPrefix.StartsWith('/') || BranchPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '~' or '^' or ':' or '?' or '*' or '[' or '\\'))
        {
            throw new ArgumentException($"GitWorkspaceOptions.BranchPrefix must be a valid ref prefix ending in '/', not '{BranchPrefix}'.");
        }

        return new GitWorkspaceOptions
        {
            RepositoryPath = Path.GetFullPath(RepositoryPath),
            StateDirectory = StateDirectory is null ? null : Path.GetFullPath(StateDirectory),
            KeepFailedWorkspaces = KeepFailedWorkspaces,
            PythonInterpreter = PythonInterpreter,
            MaxFileBytes = MaxFileBytes,
            MaxFilesPerWrite = MaxFilesPerWrite,
            BranchPrefix = BranchPrefix,
        };
    }
}
