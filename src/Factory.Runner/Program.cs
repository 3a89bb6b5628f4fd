using Factory.Runner.Cli;
using Factory.Runner.Output;

// Everything printed goes through an escaping writer: the commands' own output, System.CommandLine's messages, the
// console logger (stderr) and the opt-in telemetry console exporter (both write to Console.Out/Error).
var output = TerminalWriter.Over(Console.Out);
var error = TerminalWriter.Over(Console.Error);
Console.SetOut(output);
Console.SetError(error);
try
{
    return await FactoryCli.RunAsync(args, output, error);
}
catch (Exception exception)
{
    // The runtime would print an unhandled exception to stderr itself, past the escaping writer; its message may quote
    // a model's or a tool's text.
    await error.WriteLineAsync($"factory: internal error (a bug in Factory; please report it):\n{exception}");
    return ExitCodes.InternalError;
}
