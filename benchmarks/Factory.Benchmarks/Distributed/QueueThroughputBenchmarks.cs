using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Factory.Benchmarks.Support;
using Factory.Dataflow;
using Factory.Dataflow.Distributed;
using Factory.Dataflow.Workspace;
using Factory.Nats;
using Factory.Tests.Support;

namespace Factory.Benchmarks.Distributed;

/// <summary>
/// Question 6: a backlog shared through NATS JetStream by 1, 2 and 3 worker processes, against the same requests in
/// one local process. Every case runs the stages of <see cref="SimulatedWork"/> (waits: about 0.75 s a request with
/// its feedback loops) on real git worktrees; a worker also pulls, heartbeats, checks and pushes its outcome to a bare
/// remote (create only) and acks. The baseline runs the requests one at a time in-process, as one worker with one
/// slot would without the queue, so <c>Workers = 1</c> minus the baseline is the queue's overhead per request.
/// One operation is one request; the time runs from the first publish to the last outcome ref on the remote.
/// </summary>
[Config(typeof(Columns))]
public class QueueThroughputBenchmarks
{
    private const int Backlog = 12;

    private readonly List<Process> _workers = [];
    private Process? _nats;
    private string _natsUrl = "";
    private SampleRepo? _template;
    private DirectoryInfo? _iteration;
    private string _remote = "";
    private string _stream = "";
    private GitWorkspaceProvider? _local;
    private int _iterationNumber;

    [Params(1, 2, 3)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _template = SampleRepo.Create();
        var port = FreePort();
        _natsUrl = $"nats://127.0.0.1:{port}";
        var store = Directory.CreateTempSubdirectory("factory-bench-nats-").FullName;
        _nats = Start("nats-server", ["-js", "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-sd", store]);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (attempt < 200)
            {
                Thread.Sleep(50);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nats?.Kill();
        _nats?.WaitForExit();
        _template?.Dispose();
    }

    [IterationSetup(Target = nameof(LocalOneAtATime))]
    public void SetupLocal()
    {
        _iteration = Directory.CreateTempSubdirectory("factory-bench-local-");
        var clone = Path.Combine(_iteration.FullName, "checkout");
        SampleRepo.RunGit(_iteration.FullName, "clone", "--quiet", _template!.CheckoutPath, clone);
        _local = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = clone, StateDirectory = Path.Combine(_iteration.FullName, "state") });
    }

    [IterationSetup(Target = nameof(Queue))]
    public void SetupQueue()
    {
        _iteration = Directory.CreateTempSubdirectory("factory-bench-queue-");
        _remote = Path.Combine(_iteration.FullName, "remote.git");
        SampleRepo.RunGit(_iteration.FullName, "clone", "--quiet", "--bare", _template!.CheckoutPath, _remote);
        _stream = "BENCH" + (++_iterationNumber).ToString(CultureInfo.InvariantCulture) + "W" + Workers.ToString(CultureInfo.InvariantCulture);
        var dll = Path.Combine(SampleRepo.RepositoryRoot(), "benchmarks", "Factory.Benchmarks", "bin", "Release", "net10.0", "Factory.Benchmarks.dll");
        for (var i = 1; i <= Workers; i++)
        {
            var worker = Start("dotnet", [dll, "queue-worker", _natsUrl, _remote, Path.Combine(_iteration.FullName, $"w{i}"), $"w{i}", _stream]);
            _workers.Add(worker);
            var line = worker.StandardOutput.ReadLine();
            if (line != "ready")
            {
                throw new InvalidOperationException($"Worker {i} did not start: {line} {worker.StandardError.ReadToEnd()}");
            }
        }
    }

    [IterationCleanup]
    public void CleanupIteration()
    {
        foreach (var worker in _workers)
        {
            using (var term = Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!worker.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                worker.Kill();
            }
            else
            {
                // The worker's own CPU figure (itself and its git children), printed into the benchmark's log.
                Console.WriteLine($"// worker of Workers={Workers}: {worker.StandardOutput.ReadToEnd().Trim()}");
            }

            worker.Dispose();
        }

        _workers.Clear();
        _iteration?.Delete(recursive: true);
    }

    /// <summary>The same requests in one process, one at a time, with the same stages and real worktrees: no queue.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Backlog)]
    public async Task<int> LocalOneAtATime()
    {
        await using var pipeline = SimulatedWork.Builder(cpuBoundGates: false).UseWorkspace(_local!).Build();
        var approved = 0;
        foreach (var request in NoOpStages.Requests(Backlog))
        {
            approved += (await pipeline.RunAsync(request).ConfigureAwait(false)).IsApproved ? 1 : 0;
        }

        return approved;
    }

    /// <summary>Publish the backlog, then wait for its last outcome ref on the remote.</summary>
    [Benchmark(OperationsPerInvoke = Backlog)]
    public async Task<int> Queue()
    {
        var options = SimulatedQueueWorker.Options(_natsUrl, _remote, null, "publisher", _stream);
        var baseCommit = SampleRepo.RunGit(_remote, "rev-parse", "HEAD").Trim();
        await using (var queue = new NatsWorkQueue(options))
        {
            await queue.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var request in NoOpStages.Requests(Backlog))
            {
                await queue.PublishAsync(new QueuedRequest(request.Id, request.Text, _remote, baseCommit), new Dictionary<string, string>(), CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }

        // Read the bare remote's loose refs from disk (a push writes loose refs; nothing packs them here): a git process
        // every 20 ms would take CPU from the workers being measured.
        var folder = Path.Combine(_remote, GitOutcomeStore.OutcomeRefPrefix);
        while (true)
        {
            var outcomes = Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
            if (outcomes == Backlog)
            {
                return outcomes;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private static Process Start(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(RequestRateColumn.RequestsPerSecond);
    }
}
