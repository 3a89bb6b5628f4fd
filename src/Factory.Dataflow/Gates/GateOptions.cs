namespace Factory.Dataflow.Gates;

/// <summary>Options shared by <see cref="ValidateStage"/>, <see cref="TestStage"/> and <see cref="PythonSyntaxChecker"/>.</summary>
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

    /// <summary>How long one pytest run may take before it is killed (TEST then fails with pytest's output so far).</summary>
    /// <value>Defaults to 300 seconds.</value>
    public TimeSpan TestTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How long the syntax check may take.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan SyntaxCheckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where mypy's cache is shared between the worktrees of one repository (one sub-folder per repository).</summary>
    /// <value>Defaults to null: <c>$XDG_CACHE_HOME/factory/mypy</c> (or <c>~/.cache/factory/mypy</c>).</value>
    public string? MypyCacheDirectory { get; set; }

    internal GateOptions ValidateAndCopy()
    {
        if (string.IsNullOrWhiteSpace(PythonInterpreter) || !Path.IsPathFullyQualified(PythonInterpreter))
        {
            throw new ArgumentException($"GateOptions.PythonInterpreter must be an absolute path, not '{PythonInterpreter}'.");
        }

        foreach (var (name, value) in new[] { ("ValidateTimeout", ValidateTimeout), ("TestTimeout", TestTimeout), ("SyntaxCheckTimeout", SyntaxCheckTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"GateOptions.{name} must be positive, not {value}.");
            }
        }

        if (MypyCacheDirectory is not null && !Path.IsPathFullyQualified(MypyCacheDirectory))
        {
            throw new ArgumentException($"GateOptions.MypyCacheDirectory must be an absolute path, not '{MypyCacheDirectory}'.");
        }

        return new GateOptions
        {
            PythonInterpreter = PythonInterpreter,
            ValidateTimeout = ValidateTimeout,
            TestTimeout = TestTimeout,
            SyntaxCheckTimeout = SyntaxCheckTimeout,
            MypyCacheDirectory = MypyCacheDirectory ?? DefaultMypyCacheDirectory(),
        };
    }

    private static string DefaultMypyCacheDirectory()
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "factory", "mypy");
    }
}
