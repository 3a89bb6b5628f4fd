using Factory.Runner.Cli;
using Factory.Runner.Output;

// Everything printed goes through an escaping writer: the commands' own output, System.CommandLine's messages, the
// console logger (stderr) and the opt-in telemetry console exporter (both write to Console.Out/Error).
var output = TerminalWriter.Over(Console.Out);
var error = TerminalWriter.Over(Console.Error);
Console.SetOut(output);
Console.SetError(error);
return await FactoryCli.RunAsync(args, output, error);
