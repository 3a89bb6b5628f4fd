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

        var copy = new SandboxOptions
        {
            BubblewrapPath = BubblewrapPath,
            AllowUnsandboxed = AllowUnsandboxed,
            SearchPath = SearchPath,
            DefaultTimeout = DefaultTimeout,
            MaxOutputChars = MaxOutputChars,
        };
        copy.AllowedExecutables.Clear();
        foreach (var executable in AllowedExecutables)
        {
            copy.AllowedExecutables.Add(executable);
        }

        return copy;
    }
}
