using Factory.Samples;

// dotnet run --project samples/Factory.Samples -- <number>; with no number, lists the samples.
return await SampleCatalog.RunAsync(args, Console.Out);
