using System.Text;
using Spectre.Console;

namespace Factory.Runner.Progress;

/// <summary>Picks the live display on an interactive terminal and plain lines everywhere else.</summary>
internal static class ProgressViews
{
    /// <summary>
    /// True when <paramref name="output"/> is the process's stdout and that is a terminal (not a pipe or a file) outside
    /// CI: only then does Factory draw the live table, its only styled output. Anywhere else it writes plain text.
    /// </summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected &&
        !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static IProgressView Create(TextWriter output, string title) =>
        IsInteractive(output) ? new LiveProgressView(TerminalConsole(), title) : new PlainProgressView(output);

    // Console.Out escapes every control character, Spectre's own styling included; the live table writes to the
    // terminal itself, and escapes what it shows from requests and outcomes (LiveProgressView).
    private static IAnsiConsole TerminalConsole()
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.Detect,
        });
        console.Profile.Width = Math.Max(40, Console.WindowWidth);
        return console;
    }
}
