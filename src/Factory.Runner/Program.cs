using Factory.Runner.Cli;

return await FactoryCli.RunAsync(args, Console.Out, Console.Error);
