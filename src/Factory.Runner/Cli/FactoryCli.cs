using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.InteropServices;
using Factory.Dataflow.Chat.Preflight;
using Factory.Dataflow.Sandbox;

namespace Factory.Runner.Cli;

/// <summary>The <c>factory</c> command line: parses, runs one command, maps failures to exit codes.</summary>
internal static class FactoryCli
{
    /// <summary>The name users type (the tool's command name), which every usage line shows.</summary>
    public const string CommandName = "factory";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        // A plain Command rather than RootCommand, which names itself after the executable ("Factory.Runner" when
        // installed as a .NET tool); the help and version options RootCommand would add are added here.
        var root = new Command(CommandName, "Factory: plain-language feature requests to validated, tested, reviewed changes on a git repository.\n" +
            "Exit codes: 0 approved (batch: every request approved), 1 rejected or failed, 2 usage or environment error, 130 stopped by Ctrl-C, 70 internal error.")
        {
            new HelpOption(),
            new VersionOption(),
            RunCommand.Create(output),
            BatchCommand.Create(output),
            ReportCommand.Create(output),
            DemoCommand.Create(output),
            InitCommand.Create(output),
            Queue.WorkerCommand.Create(output),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"factory: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'factory --help' for the commands and their options.").ConfigureAwait(false);
            return ExitCodes.UsageOrEnvironment;
        }

        // Ctrl-C (SIGINT) and SIGTERM cancel the command's token instead of ending the process: the commands stop
        // themselves, cancelling what is in flight, so every request still gets its outcome and the journal stays
        // consistent. System.CommandLine's own handling is off because it ends the process after a fixed timeout.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(invocation, stop.Token).ConfigureAwait(false);
        }
        catch (RunnerException exception)
        {
            await error.WriteLineAsync($"factory: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.UsageOrEnvironment;
        }
    }

    /// <summary>Runs a command's body, turning the environment's known failures into a <see cref="RunnerException"/>.</summary>
    public static async Task<int> Guard(Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (GateEnvironmentException exception)
        {
            throw new RunnerException($"A gate tool is missing: {exception.Message}", exception);
        }
        catch (OllamaPreflightException exception)
        {
            throw new RunnerException(exception.Message, exception);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
    }
}
