using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Factory.Dataflow;
using Factory.Dataflow.Diagnostics;
using Factory.Tests.Support;

namespace Factory.Tests.Diagnostics;

[Collection(TelemetryRunsAlone.Name)]
public sealed class MetricTests
{
    [Fact]
    public async Task Stage_durations_tokens_retries_and_outcomes_are_recorded_under_the_documented_names_and_tags()
    {
        var recorded = new ConcurrentQueue<Measurement>();
        using var listener = Listen(recorded);
        await using var pipeline = TelemetryStages.Builder().Build();

        await pipeline.RunAsync(TelemetryStages.Request()).Within();
        await pipeline.RunAsync(TelemetryStages.Request()).Within();

        var durations = recorded.Where(m => m.Instrument == "factory.stage.duration").ToList();
        Assert.Equal("ms", durations[0].Unit);
        Assert.Equal(16, durations.Count);
        Assert.Equal(4, durations.Count(m => m.Tag("stage") == "build"));
        Assert.Equal(2, durations.Count(m => m.Tag("stage") == "validate" && m.Tags["eval_ok"] is false));
        Assert.All(durations, m => Assert.True(m.Value >= 0));

        var tokens = recorded.Where(m => m.Instrument == "factory.stage.tokens").ToList();
        Assert.Equal(2 * 120, tokens.Where(m => m.Tag("stage") == "plan" && m.Tag("direction") == "in").Sum(m => m.Value));
        Assert.Equal(2 * 30, tokens.Where(m => m.Tag("stage") == "plan" && m.Tag("direction") == "out").Sum(m => m.Value));
        Assert.Equal(2 * 2 * 400, tokens.Where(m => m.Tag("model") == TelemetryStages.BuildModel && m.Tag("direction") == "in").Sum(m => m.Value));

        var retries = Assert.Single(recorded.Where(m => m.Instrument == "factory.stage.retries").GroupBy(m => m.Tag("stage")));
        Assert.Equal("plan", retries.Key);
        Assert.Equal(2, retries.Sum(m => m.Value));

        var outcomes = recorded.Where(m => m.Instrument == "factory.requests.outcomes").ToList();
        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, m => Assert.Equal("approved", m.Tag("outcome")));
    }

    [Fact]
    public async Task Queue_depth_is_observed_per_stage_while_the_pipeline_runs()
    {
        var recorded = new ConcurrentQueue<Measurement>();
        using var listener = Listen(recorded);
        var planStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = TelemetryStages.Builder()
            .Configure(o =>
            {
                o.Plan.MaxDegreeOfParallelism = 1;
                o.Plan.BoundedCapacity = 8;
            })
            .Use(StageName.Plan, async (_, ct) =>
            {
                planStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return StageResult.Success(InMemoryStages.HealthSpec);
            })
            .Build();

        // The first request holds PLAN; the other two wait in its queue.
        for (var i = 0; i < 3; i++)
        {
            await pipeline.SubmitAsync(TelemetryStages.Request()).Within();
        }

        await planStarted.Task.Within();
        listener.RecordObservableInstruments();

        var depths = recorded.Where(m => m.Instrument == "factory.stage.queue_depth").ToList();
        Assert.Equal(["build", "plan", "review", "scout", "settle", "test", "validate"], depths.Select(m => m.Tag("stage")).Order(StringComparer.Ordinal));
        Assert.Equal(2, depths.Single(m => m.Tag("stage") == "plan").Value);
        Assert.All(depths.Where(m => m.Tag("stage") != "plan"), m => Assert.Equal(0, m.Value));
    }

    private static MeterListener Listen(ConcurrentQueue<Measurement> recorded)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FactoryDiagnostics.SourceName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => recorded.Enqueue(new Measurement(i.Name, i.Unit, v, tags.ToArray())));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => recorded.Enqueue(new Measurement(i.Name, i.Unit, v, tags.ToArray())));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => recorded.Enqueue(new Measurement(i.Name, i.Unit, v, tags.ToArray())));
        listener.Start();
        return listener;
    }

    private sealed record Measurement(string Instrument, string? Unit, double Value, KeyValuePair<string, object?>[] TagList)
    {
        public Dictionary<string, object?> Tags => TagList.ToDictionary(t => t.Key, t => t.Value);

        public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
    }
}
