using Factory.Dataflow.Toolchains.Python.Gates;

namespace Factory.Dataflow.Gates;

/// <summary>Options shared by <see cref="ValidateStage"/>, <see cref="TestStage"/> and <see cref="Toolchains.Python.PythonSyntaxChecker"/>.</summary>
public sealed class GateOptions
{
    /// <summary>
    /// The Python that runs mypy, pytest and the syntax check. Debian's, because a pyenv or venv <c>python3</c> first on
    /// PATH does not see Debian's packages. It must also be in <see cref="Sandbox.SandboxOptions.AllowedExecutables"/>.
    /// </summary>
    /// <value>Defaults to <c>/usr/bin/python3</c>.</value>
    public string PythonInterpreter { get; set; } = "/usr/bin/python3";

    /// <summary>How long ruff and mypy may each run before they are killed (VALIDATE then fails the request).</summary>
    /// <value>Defaults to 300 seconds: a cold mypy cache on a loaded two-core machine is slow.</value>
    public TimeSpan ValidateTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// The most one pytest run may take before it is killed: the base commit's suite when the baseline is computed, and
    /// the ceiling of TEST's limit, which otherwise follows the base suite's measured duration
    /// (<see cref="TestTimeoutMultiple"/>, <see cref="TestTimeoutFloor"/>).
    /// </summary>
    /// <value>Defaults to 300 seconds.</value>
    public TimeSpan TestTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>TEST's pytest limit as a multiple of the base suite's measured duration (then at least <see cref="TestTimeoutFloor"/>, at most <see cref="TestTimeout"/>).</summary>
    /// <value>Defaults to 5: room for the new tests, coverage and a machine busier than when the baseline was measured.</value>
    public double TestTimeoutMultiple { get; set; } = 5;

    /// <summary>The shortest limit TEST gives one pytest run, however quick the base suite was.</summary>
    /// <value>Defaults to 20 seconds: a hanging test on a small suite ends its attempt in seconds, not minutes.</value>
    public TimeSpan TestTimeoutFloor { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the syntax check may take.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan SyntaxCheckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where mypy's cache is shared between the worktrees of one repository (one sub-folder per repository).</summary>
    /// <value>Defaults to null: <c>$XDG_CACHE_HOME/factory/mypy</c> (or <c>~/.cache/factory/mypy</c>).</value>
    public string? MypyCacheDirectory { get; set; }

    /// <summary>
    /// Where the base commits' gate results are kept (one file per base tree, gate configuration and tool versions),
    /// shared by every request of a batch, later runs and other processes.
    /// </summary>
    /// <value>Defaults to null: <c>baseline</c> beside the mypy cache folder (<c>$XDG_CACHE_HOME/factory/baseline</c>).</value>
    public string? BaselineDirectory { get; set; }

    /// <summary>
    /// The base suite's time from which TEST first runs only the tests that cover what a change touches (and the new
    /// tests), so a failing attempt fails fast; under it, the whole suite runs directly, as a second pytest start costs
    /// more than it can save. <see cref="TimeSpan.Zero"/> selects on every suite; <see cref="TimeSpan.MaxValue"/> never.
    /// </summary>
    /// <value>Defaults to 3 seconds: about three times a pytest start with its imports on a loaded two-core machine.</value>
    public TimeSpan TestSelectionMinimumSuite { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether VALIDATE lints through one long-lived ruff per Factory process (per sandbox configuration) when ruff is
    /// the WebAssembly wrapper, instead of starting node and compiling the module for every run. It runs in a sandbox of
    /// its own with no worktree bound, and lints only the files each request sends it; its output is the same as a
    /// fresh run's. A native ruff is always run as is (it starts in milliseconds).
    /// </summary>
    /// <value>Defaults to true.</value>
    public bool ServeRuff { get; set; } = true;

    /// <summary>
    /// Whether TEST's pytest runs in a worktree start as children of a warm interpreter (one fork server per Factory
    /// process, sandbox configuration and worktree folder) that has already imported pytest, coverage and the installed
    /// third-party packages the repository imports, instead of a fresh interpreter each time (about half a pytest run's
    /// CPU is those imports). Each child builds the same confinement a fresh sandbox has — its own mount, PID and IPC
    /// namespaces showing only its worktree and scratch folder, the run's own user id with no capability, no_new_privs,
    /// the seccomp filter, the run's cgroup and resource limits — and checks it before the first test; see
    /// docs/security.md. Used only when Factory runs as root with cgroups for memory and processes; otherwise, and
    /// whenever the server cannot answer, pytest runs the ordinary way. The base commit's runs always start fresh.
    /// </summary>
    /// <value>Defaults to true.</value>
    public bool WarmPytest { get; set; } = true;

    internal GateOptions ValidateAndCopy()
    {
        if (string.IsNullOrWhiteSpace(PythonInterpreter) || !Path.IsPathFullyQualified(PythonInterpreter))
        {
            throw new ArgumentException($"GateOptions.PythonInterpreter must be an absolute path, not '{PythonInterpreter}'.");
        }

        foreach (var (name, value) in new[]
        {
            ("ValidateTimeout", ValidateTimeout), ("TestTimeout", TestTimeout), ("TestTimeoutFloor", TestTimeoutFloor),
            ("SyntaxCheckTimeout", SyntaxCheckTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"GateOptions.{name} must be positive, not {value}.");
            }
        }

        if (!(TestTimeoutMultiple >= 1) || double.IsInfinity(TestTimeoutMultiple))
        {
            throw new ArgumentException($"GateOptions.TestTimeoutMultiple must be at least 1, not {TestTimeoutMultiple}.");
        }

        if (TestSelectionMinimumSuite < TimeSpan.Zero)
        {
            throw new ArgumentException($"GateOptions.TestSelectionMinimumSuite must not be negative, not {TestSelectionMinimumSuite}.");
        }

        if (TestTimeoutFloor > TestTimeout)
        {
            throw new ArgumentException($"GateOptions.TestTimeoutFloor ({TestTimeoutFloor}) must not exceed GateOptions.TestTimeout ({TestTimeout}).");
        }

        foreach (var (name, value) in new[] { ("MypyCacheDirectory", MypyCacheDirectory), ("BaselineDirectory", BaselineDirectory) })
        {
            if (value is not null && !Path.IsPathFullyQualified(value))
            {
                throw new ArgumentException($"GateOptions.{name} must be an absolute path, not '{value}'.");
            }
        }

        var mypyCache = MypyCacheDirectory ?? DefaultMypyCacheDirectory();
        return new GateOptions
        {
            PythonInterpreter = PythonInterpreter,
            ValidateTimeout = ValidateTimeout,
            TestTimeout = TestTimeout,
            TestTimeoutMultiple = TestTimeoutMultiple,
            TestTimeoutFloor = TestTimeoutFloor,
            SyntaxCheckTimeout = SyntaxCheckTimeout,
            TestSelectionMinimumSuite = TestSelectionMinimumSuite,
            ServeRuff = ServeRuff,
            WarmPytest = WarmPytest,
            MypyCacheDirectory = mypyCache,
            BaselineDirectory = BaselineDirectory ?? Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(mypyCache))!, "baseline"),
        };
    }

    /// <summary>TEST's limit for one pytest run, from the base suite's measured duration.</summary>
    internal TimeSpan TestLimit(TimeSpan baseSuite)
    {
        var scaled = TimeSpan.FromSeconds(Math.Min(baseSuite.TotalSeconds * TestTimeoutMultiple, TestTimeout.TotalSeconds));
        return scaled < TestTimeoutFloor ? TestTimeoutFloor : scaled > TestTimeout ? TestTimeout : scaled;
    }

    private static string DefaultMypyCacheDirectory()
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "factory", "mypy");
    }
}
