// The command-line host comes in its own issue; until then it only says so, with a usage exit code.
await Console.Error.WriteLineAsync("factory: the command line is not built yet (see the Factory.Runner issue).");
return 2;
