using System.Runtime.InteropServices;
using Factory.Benchmarks.Support;
using Factory.Dataflow.Distributed;
using Factory.Nats;

namespace Factory.Benchmarks.Distributed;

/// <summary>
/// One worker process of question 6: the real <see cref="QueueWorker"/>, NATS client, mirror, worktrees and
/// create-only pushes, with the stages of <see cref="SimulatedWork"/> (waits, no CPU) instead of models and gates.
/// Arguments: url remote state name stream. Prints "ready" once connected; SIGTERM stops it.
/// </summary>
internal static class SimulatedQueueWorker
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [var url, var remote, var state, var name, var stream])
        {
            await Console.Error.WriteLineAsync("usage: queue-worker <nats-url> <remote> <state-dir> <name> <stream>");
            return 2;
        }

        var options = Options(url, remote, state, name, stream);
        await using var queue = new NatsWorkQueue(options);
        using var mirror = new RemoteMirror(remote, state);
        var workspaces = new BaseCommitWorkspaces(mirror, new Dataflow.Workspace.GitWorkspaceOptions());
        var pipeline = SimulatedWork.Builder(cpuBoundGates: false).UseWorkspace(workspaces).Build();
        var handled = 0;
        using var worker = new QueueWorker(options, queue, new GitOutcomeStore(remote), workspaces, pipeline, ownsPipeline: true,
            onEvent: e => handled += e.Kind == QueueWorkerEventKind.Won ? 1 : 0);
        await worker.PrepareAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        await worker.StartAsync(CancellationToken.None);
        Console.WriteLine("ready");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM: drain below.
        }

        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await worker.StopAsync(drain.Token);

        // The CPU this worker and the git processes it ran used, for the docs' supporting figure (seconds).
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Ticks(int field) => double.Parse(fields[field - 3], System.Globalization.CultureInfo.InvariantCulture) / 100;
        Console.WriteLine(System.FormattableString.Invariant($"cpu self {Ticks(14) + Ticks(15):0.00} s, children {Ticks(16) + Ticks(17):0.00} s, handled {handled}"));
        return 0;
    }

    /// <summary>The options every process of one iteration shares: its own stream, so iterations never see each other's requests.</summary>
    public static QueueOptions Options(string url, string remote, string? state, string name, string stream) => new()
    {
        Url = url,
        Remote = remote,
        StateDirectory = state,
        Name = name,
        Stream = stream,
        Subject = "bench." + stream.ToLowerInvariant(),
        Consumer = "workers-" + stream.ToLowerInvariant(),
        PollWait = TimeSpan.FromSeconds(1),
    };
}
