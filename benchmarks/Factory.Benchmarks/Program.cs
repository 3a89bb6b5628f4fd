// "queue-worker ..." makes this process one simulated worker of question 6 (Distributed/SimulatedQueueWorker).
return args is ["queue-worker", .. var rest]
    ? await Factory.Benchmarks.Distributed.SimulatedQueueWorker.RunAsync(rest)
    : RunBenchmarks(args);

static int RunBenchmarks(string[] args)
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Factory.Benchmarks.Distributed.SimulatedQueueWorker).Assembly).Run(args);
    return 0;
}
