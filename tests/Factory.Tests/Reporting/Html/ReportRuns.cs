using Factory.Dataflow;
using Factory.Dataflow.Tracing;
using Factory.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Factory.Tests.Reporting.Html;

/// <summary>
/// Real trace files for the report: requests run one after the other through in-memory stages on a fake clock that
/// each stage advances by a realistic duration, so the traces read like a day of model and gate work. Some requests
/// go round the BUILD loop, one is rejected, one runs out of BUILD attempts, one was killed before its final event.
/// </summary>
internal static class ReportRuns
{
    public const string HostileReason = "</script><script>document.title='owned'</script>";

    public static async Task<IReadOnlyList<RunTrace>> WriteAsync(string runsDirectory, int count = 14)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        await using (var pipeline = Builder(time).Configure(o => o.RunsDirectory = runsDirectory).UseTimeProvider(time).Build())
        {
            for (var i = 0; i < count; i++)
            {
                await pipeline.RunAsync(new FeatureRequest($"req-{i:D2}-{Topic(i)}", $"add {Topic(i)}")).Within();
                time.Advance(TimeSpan.FromSeconds(5));
            }
        }

        // A run killed mid-flight: its trace lacks the final line.
        var killed = Path.Combine(runsDirectory, "req-99-killed");
        Directory.CreateDirectory(killed);
        var lines = File.ReadAllLines(Path.Combine(runsDirectory, "req-01-" + Topic(1), "trace.jsonl"));
        File.WriteAllLines(Path.Combine(killed, "trace.jsonl"), lines.Take(3));
        return TraceReader.ReadRuns(runsDirectory);
    }

    private static string Topic(int i) => new[] { "health", "version", "metrics", "login", "export", "search", "audit" }[i % 7];

    private static FactoryPipelineBuilder Builder(FakeTimeProvider time)
    {
        StageResult Take(StageContext context, int baseMs, int spreadMs, int seed, StageResult result, string? model = null, int retries = 0)
        {
            var number = int.Parse(context.Request.Id.AsSpan(4, 2), System.Globalization.CultureInfo.InvariantCulture);
            time.Advance(TimeSpan.FromMilliseconds(baseMs + (number * seed + context.Attempt * 977) % spreadMs));
            if (model is not null)
            {
                context.Usage.Model = model;
                context.Usage.AddTokens(600 + number * 40, 150 + number * 9);
            }

            for (var r = 0; r < retries; r++)
            {
                context.Usage.AddRetry();
            }

            return result;
        }

        static int N(StageContext c) => int.Parse(c.Request.Id.AsSpan(4, 2), System.Globalization.CultureInfo.InvariantCulture);

        return new FactoryPipelineBuilder()
            .Use(StageName.Plan, (c, _) => ValueTask.FromResult(Take(c, 900, 900, 131, StageResult.Success(InMemoryStages.HealthSpec), "qwen2.5:3b", N(c) % 4 == 0 ? 1 : 0)))
            .Use(StageName.Scout, (c, _) => ValueTask.FromResult(Take(c, 2500, 4000, 377, StageResult.Success(InMemoryStages.HealthBrief), "qwen2.5:3b")))
            .Use(StageName.Build, (c, _) =>
            {
                // What BUILD records: a first prompt with the cited files, smaller retries with the changed regions only.
                c.Usage.SetExtra("prompt_bytes", c.Attempt == 1 ? 7000L + (N(c) * 130) : 2400L + (N(c) * 20));
                return ValueTask.FromResult(Take(c, 14000, 40000, 4111, StageResult.Success(), "qwen2.5-coder:7b", N(c) == 5 ? 2 : 0));
            })
            .Use(StageName.Validate, (c, _) => ValueTask.FromResult(Take(c, 3000, 4000, 733,
                N(c) == 9 || (N(c) % 5 == 3 && c.BuildAttempt == 1) ? StageResult.Failure("app/main.py:3:1: F401 'os' imported but unused") : StageResult.Success())))
            .Use(StageName.Test, (c, _) => ValueTask.FromResult(Take(c, 9000, 9000, 1237,
                N(c) == 11 && c.BuildAttempt == 1 ? StageResult.Failure("FAILED tests/test_new.py::test_it") : StageResult.Success(), "qwen2.5-coder:7b")))
            .Use(StageName.Review, (c, _) => ValueTask.FromResult(Take(c, 4000, 3000, 541,
                N(c) == 6 ? InMemoryStages.Reject("no test covers the error path", HostileReason) : InMemoryStages.Approve(), "llama3.2:3b")));
    }
}
