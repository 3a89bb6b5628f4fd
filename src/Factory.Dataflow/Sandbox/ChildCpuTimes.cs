using System.Globalization;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Measures an unsandboxed process Factory runs itself (git) with the kernel's accounting of waited-for children: the
/// command runs under a shell that waits for it and then prints its <c>times</c> (user and system CPU of the command
/// and every descendant it waited for) on stderr after a marker, which <see cref="Take"/> removes again. Used only
/// inside a stage attempt, where the figure is charged to the attempt's <see cref="ProcessCpuAccount"/>; the shell's
/// own start-up (about 2 ms) is the price, and is not in the figure.
/// </summary>
internal static class ChildCpuTimes
{
    private const string Marker = "\n\u001efactory-cpu ";

    // bash reports milliseconds; dash (Debian's /bin/sh) only clock ticks of 10 ms.
    private static readonly string s_shell = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";

    // A constant script: the command and its arguments arrive as "$@", never as shell text.
    private const string Script = "\"$@\"; status=$?; { printf '\\n\\036factory-cpu '; times; } >&2; exit $status";

    /// <summary>True when a stage attempt is measuring the processes it runs.</summary>
    public static bool Wanted => ProcessCpuAccount.IsOpen;

    /// <summary>The executable and arguments that run <paramref name="executable"/> under the measuring shell.</summary>
    public static (string Executable, IReadOnlyList<string> Arguments) Wrap(string executable, IReadOnlyList<string> arguments) =>
        (s_shell, ["-c", Script, "factory-cpu", executable, .. arguments]);

    /// <summary>
    /// Takes the shell's report off the end of <paramref name="standardError"/>: the command's own stderr, exactly as it
    /// printed it, and the CPU time of the command's process tree (null when the report is missing).
    /// </summary>
    public static (string StandardError, TimeSpan? CpuTime) Take(string standardError)
    {
        var at = standardError.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return (standardError, null);
        }

        // "<shell user> <shell system>\n<children user> <children system>\n", each like "0m0.012s".
        var lines = standardError[(at + Marker.Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var children = lines.Length >= 2 ? lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        TimeSpan? cpu = children.Length == 2 && Parse(children[0]) is { } user && Parse(children[1]) is { } system ? user + system : null;
        return (standardError[..at], cpu);
    }

    private static TimeSpan? Parse(string value)
    {
        // "1m2.345s"
        var m = value.IndexOf('m', StringComparison.Ordinal);
        return m > 0 && value.EndsWith('s') &&
            int.TryParse(value.AsSpan(0, m), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) &&
            decimal.TryParse(value.AsSpan(m + 1, value.Length - m - 2), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromMinutes(minutes) + TimeSpan.FromMilliseconds((double)(seconds * 1000))
            : null;
    }
}
