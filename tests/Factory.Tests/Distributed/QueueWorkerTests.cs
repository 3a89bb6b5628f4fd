using System.Diagnostics;
using System.Text;
using Factory.Dataflow;
using Factory.Dataflow.Diagnostics;
using Factory.Dataflow.Distributed;
using Factory.Tests.Support;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Factory.Tests.Distributed;

/// <summary>The queue worker in-process, on a real NATS JetStream server and a real bare git remote; stages in memory.</summary>
[Collection(QueueGroup.Name)]
public sealed class QueueWorkerTests
{
    private static readonly string OutcomePrefix = GitOutcomeStore.OutcomeRefPrefix;

    [Fact(Timeout = 120_000)]
    public async Task Every_request_ends_as_one_outcome_ref_and_one_commit_on_its_base_and_leaves_nothing_in_the_stream()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "w1");
        var ids = new[] { "alpha", "beta", "gamma" };

        await QueueHarness.PublishAsync(options, remote, ids);
        await using (var worker = await QueueHarness.StartAsync(options))
        {
            await QueueHarness.EventuallyAsync(() => Task.FromResult(remote.Refs().Keys.Count(k => k.StartsWith(OutcomePrefix, StringComparison.Ordinal)) == 3), 60, "three outcome refs");
        }

        var refs = remote.Refs();
        Assert.Equal(
            ids.Select(id => OutcomePrefix + id).Concat(ids.Select(id => "refs/heads/factory/" + id)).Append("refs/heads/main").Order(StringComparer.Ordinal),
            refs.Keys.Order(StringComparer.Ordinal));
        foreach (var id in ids)
        {
            Assert.Equal(remote.Base, remote.Git("rev-parse", $"factory/{id}^").Trim());
            Assert.Equal("1", remote.Git("rev-list", "--count", $"{remote.Base}..factory/{id}").Trim());
            var record = OutcomeRecord.Decode(remote.Git("show", $"{OutcomePrefix}{id}:outcome.json"));
            Assert.Equal(("approved", "w1", remote.Base, refs["refs/heads/factory/" + id]), (record.Status, record.Worker, record.Base, record.Commit));
            Assert.Contains("\"stage\":\"pipeline\"", remote.Git("show", $"{OutcomePrefix}{id}:trace.jsonl"), StringComparison.Ordinal);
        }

        Assert.Equal(0, await QueueHarness.PendingAsync(options));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_crash_between_the_push_and_the_ack_still_leaves_one_outcome_and_the_redelivery_does_not_run_it()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var first = QueueHarness.Options(nats, remote, "first");
        await QueueHarness.PublishAsync(first, remote, ["delta"]);

        CrashBeforeAckQueue? crashing = null;
        var crashed = await QueueHarness.StartAsync(first, inner => crashing = new CrashBeforeAckQueue(inner));
        Assert.Equal("delta", await crashing!.Crashed.WaitAsync(TimeSpan.FromSeconds(60)));
        var outcomeAfterCrash = remote.Refs()[OutcomePrefix + "delta"];

        // The first worker is gone (no ack, no more heartbeats); after the ack wait the broker hands the request on.
        await crashed.DisposeAsync();
        await using var second = await QueueHarness.StartAsync(QueueHarness.Options(nats, remote, "second"));
        await QueueHarness.EventuallyAsync(async () => await QueueHarness.PendingAsync(first) == 0, 60, "the redelivery acked");

        Assert.Contains(second.Events, e => e is { Kind: QueueWorkerEventKind.AlreadyDone, RequestId: "delta", Delivery: >= 2 });
        Assert.DoesNotContain(second.Events, e => e.Kind == QueueWorkerEventKind.Started);
        Assert.Equal(outcomeAfterCrash, remote.Refs()[OutcomePrefix + "delta"]);
        Assert.Equal("first", OutcomeRecord.Decode(remote.Git("show", $"{OutcomePrefix}delta:outcome.json")).Worker);
    }

    [Fact(Timeout = 120_000)]
    public async Task Publishing_the_same_backlog_twice_queues_it_once_and_no_request_runs_twice()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "solo");
        var ids = new[] { "one", "two", "three", "four" };

        Assert.All(await QueueHarness.PublishAsync(options, remote, ids), r => Assert.Equal(PublishResult.Queued, r));
        Assert.All(await QueueHarness.PublishAsync(options, remote, ids), r => Assert.Equal(PublishResult.AlreadyQueued, r));
        await using (var worker = await QueueHarness.StartAsync(options))
        {
            await QueueHarness.EventuallyAsync(() => Task.FromResult(ids.All(id => remote.Refs().ContainsKey(OutcomePrefix + id))), 60, "four outcomes");

            // Once more after they are done: the broker still remembers the ids, and the outcomes would stop a rerun anyway.
            Assert.All(await QueueHarness.PublishAsync(options, remote, ids), r => Assert.Equal(PublishResult.AlreadyQueued, r));
            await QueueHarness.EventuallyAsync(async () => await QueueHarness.PendingAsync(options) == 0, 30, "an empty stream");
            Assert.All(ids, id => Assert.Single(worker.Events, e => e.Kind == QueueWorkerEventKind.Started && e.RequestId == id));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_malformed_message_ends_as_failed_malformed_request_instead_of_coming_back()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "w1");
        await using (var connection = new NatsConnection(new NatsOpts { Url = nats.Url }))
        {
            await using var setup = new Factory.Nats.NatsWorkQueue(options);
            await setup.ConnectAsync(CancellationToken.None);
            var js = new NatsJSContext(connection);
            var ack = await js.PublishAsync("factory.requests.broken", Encoding.UTF8.GetBytes("{\"id\": \"broken\", \"text\": "), opts: new NatsJSPubOpts { MsgId = "broken" });
            ack.EnsureSuccess();
        }

        await using (var worker = await QueueHarness.StartAsync(options))
        {
            await QueueHarness.EventuallyAsync(async () => await QueueHarness.PendingAsync(options) == 0, 60, "the malformed message gone");
            Assert.Contains(worker.Events, e => e is { Kind: QueueWorkerEventKind.Ended, RequestId: "broken" });
        }

        var record = OutcomeRecord.Decode(remote.Git("show", $"{OutcomePrefix}broken:outcome.json"));
        Assert.Equal(OutcomeRecord.Failed, record.Status);
        Assert.StartsWith("malformed request: the body is not a JSON request", record.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(remote.Refs().Keys, k => k.StartsWith("refs/heads/factory/", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_request_past_the_delivery_limit_ends_as_failed_delivery_limit_without_running()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "w1", maxDeliveries: 1);
        await QueueHarness.PublishAsync(options, remote, ["epsilon"]);

        // A worker that takes the request and dies: its delivery is never acked.
        await using (var dying = new Factory.Nats.NatsWorkQueue(options))
        {
            await dying.ConnectAsync(CancellationToken.None);
            Assert.Single(await dying.ReceiveAsync(1, TimeSpan.FromSeconds(5), CancellationToken.None));
        }

        await using (var worker = await QueueHarness.StartAsync(options))
        {
            await QueueHarness.EventuallyAsync(async () => await QueueHarness.PendingAsync(options) == 0, 60, "the request ended");
            Assert.DoesNotContain(worker.Events, e => e.Kind == QueueWorkerEventKind.Started);
        }

        var record = OutcomeRecord.Decode(remote.Git("show", $"{OutcomePrefix}epsilon:outcome.json"));
        Assert.Equal((OutcomeRecord.Failed, 2L), (record.Status, record.Delivery));
        Assert.StartsWith("delivery limit", record.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_stopping_worker_hands_its_unfinished_request_back_and_another_worker_ends_it()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "stopping");
        await QueueHarness.PublishAsync(options, remote, ["held"]);

        // PLAN never finishes on its own: only the worker's stop can end it.
        var stopping = await QueueHarness.StartAsync(options, stages: b => b.Use(StageName.Plan, async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return InMemoryStages.Approve();
        }));
        await QueueHarness.EventuallyAsync(() => Task.FromResult(stopping.Events.Any(e => e.Kind == QueueWorkerEventKind.Started)), 60, "the request started");
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await stopping.Worker.StopAsync(drain.Token);
        }

        Assert.Contains(stopping.Events, e => e is { Kind: QueueWorkerEventKind.Released, RequestId: "held" });
        Assert.False(remote.Refs().ContainsKey(OutcomePrefix + "held"));
        await stopping.DisposeAsync();

        await using var next = await QueueHarness.StartAsync(QueueHarness.Options(nats, remote, "next"));
        await QueueHarness.EventuallyAsync(async () => await QueueHarness.PendingAsync(options) == 0, 60, "the request ended");
        var record = OutcomeRecord.Decode(remote.Git("show", $"{OutcomePrefix}held:outcome.json"));
        Assert.Equal(("approved", "next", 2L), (record.Status, record.Worker, record.Delivery));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_request_activity_on_the_worker_continues_the_trace_of_the_publish()
    {
        var activities = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FactoryDiagnostics.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "w1");

        await QueueHarness.PublishAsync(options, remote, ["traced"]);
        await using (var worker = await QueueHarness.StartAsync(options))
        {
            await QueueHarness.EventuallyAsync(() => Task.FromResult(remote.Refs().ContainsKey(OutcomePrefix + "traced")), 60, "the outcome");
        }

        var mine = activities.Where(a => (string?)a.GetTagItem("factory.request_id") == "traced").ToList();
        var publish = Assert.Single(mine, a => a.OperationName == QueueTraceContext.PublishActivityName);
        var process = Assert.Single(mine, a => a.OperationName == QueueTraceContext.ProcessActivityName);
        var request = Assert.Single(mine, a => a.OperationName == FactoryDiagnostics.RequestActivityName);
        Assert.Equal(publish.TraceId, process.TraceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, request.ParentSpanId);
    }
}

[CollectionDefinition(Name)]
public sealed class QueueGroup
{
    // The queue tests start their own NATS server and git remote each, and run one at a time: each has real processes.
    public const string Name = "Queue";
}
