using System.Collections.Concurrent;
using Factory.Dataflow;
using Factory.Dataflow.Distributed;
using Factory.Dataflow.Workspace;
using Factory.Nats;
using Factory.Tests.Support;

namespace Factory.Tests.Distributed;

/// <summary>
/// One in-process queue worker on real NATS and a real git remote: stages in memory (BUILD writes one file through
/// the workspace, so an approved request is one real commit), workspaces from the worker's own mirror of the remote.
/// </summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private readonly RemoteMirror _mirror;
    private readonly IWorkQueue _queue;

    private QueueHarness(QueueWorker worker, RemoteMirror mirror, IWorkQueue queue)
    {
        Worker = worker;
        _mirror = mirror;
        _queue = queue;
    }

    public QueueWorker Worker { get; }

    public ConcurrentQueue<QueueWorkerEvent> Events { get; } = new();

    public static QueueOptions Options(LocalNats nats, SharedRemote remote, string name, int maxDeliveries = 5) => new()
    {
        Url = nats.Url,
        Remote = remote.Path,
        Name = name,
        StateDirectory = Path.Combine(remote.Scratch, "worker-" + name),
        AckWait = TimeSpan.FromSeconds(3),
        Heartbeat = TimeSpan.FromSeconds(1),
        PollWait = TimeSpan.FromSeconds(1),
        MaxBackoff = TimeSpan.FromSeconds(2),
        MaxDeliveries = maxDeliveries,
    };

    /// <summary>Starts a worker; <paramref name="wrap"/> may replace its queue (to fail an ack, say).</summary>
    public static async Task<QueueHarness> StartAsync(
        QueueOptions options, Func<IWorkQueue, IWorkQueue>? wrap = null, Func<FactoryPipelineBuilder, FactoryPipelineBuilder>? stages = null)
    {
        var queue = wrap is null ? new NatsWorkQueue(options) : wrap(new NatsWorkQueue(options));
        var mirror = new RemoteMirror(options.Remote, options.EffectiveStateDirectory);
        var workspaces = new BaseCommitWorkspaces(mirror, new GitWorkspaceOptions());
        var builder = InMemoryStages.PassingBuilder()
            .Use(StageName.Build, async (context, cancellationToken) =>
            {
                var report = await context.RequireWorkspace().WriteAsync(
                    [new FileEdit($"app/{context.Request.Id.Replace('-', '_')}.py", "VALUE = 1\n")], WriterRole.Build, cancellationToken);
                return report.Accepted ? StageResult.Success() : StageResult.Failure(report.Rejection!);
            });
        var pipeline = (stages?.Invoke(builder) ?? builder)
            .UseWorkspace(workspaces)
            .Configure(o => o.RunsDirectory = Path.Combine(options.EffectiveStateDirectory, "runs"))
            .Build();
        QueueHarness? harness = null;
        var worker = new QueueWorker(options, queue, new GitOutcomeStore(options.Remote), workspaces, pipeline, ownsPipeline: true,
            onEvent: e => harness!.Events.Enqueue(e));
        harness = new QueueHarness(worker, mirror, queue);
        await worker.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Publishes <paramref name="ids"/> as requests on the remote's base, the way <c>factory batch --queue</c> does.</summary>
    public static async Task<IReadOnlyList<PublishResult>> PublishAsync(QueueOptions options, SharedRemote remote, IEnumerable<string> ids)
    {
        await using var queue = new NatsWorkQueue(options);
        await queue.ConnectAsync(CancellationToken.None);
        var results = new List<PublishResult>();
        foreach (var id in ids)
        {
            var (activity, headers) = QueueTraceContext.StartPublish(id);
            using (activity)
            {
                results.Add(await queue.PublishAsync(new QueuedRequest(id, $"add endpoint {id}", remote.Path, remote.Base), headers, CancellationToken.None));
            }
        }

        return results;
    }

    /// <summary>How many messages the stream still holds.</summary>
    public static async Task<long> PendingAsync(QueueOptions options)
    {
        await using var queue = new NatsWorkQueue(options);
        await queue.ConnectAsync(CancellationToken.None);
        return await queue.CountPendingAsync(CancellationToken.None);
    }

    /// <summary>Waits until <paramref name="done"/> holds, checking every 200 ms, or fails after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, int seconds, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {seconds} s: {what}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await Worker.StopAsync(timeout.Token);
        }

        Worker.Dispose();
        await _queue.DisposeAsync();
        _mirror.Dispose();
    }
}
