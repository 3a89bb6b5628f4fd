using Spectre.Console;

namespace Factory.Runner.Progress;

/// <summary>Picks the live display on an interactive terminal and plain lines everywhere else.</summary>
internal static class ProgressViews
{
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected &&
        !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static IProgressView Create(TextWriter output, string title) =>
        IsInteractive(output) ? new LiveProgressView(AnsiConsole.Console, title) : new PlainProgressView(output);
}
