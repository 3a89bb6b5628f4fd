using System.Text.Json;
using Factory.Dataflow.Reporting;
using Factory.Dataflow.Tracing;

namespace Factory.Tests.Reporting;

public sealed class RunReportBuilderTests
{
    [Theory]
    [InlineData(new long[] { }, 50, 0)]
    [InlineData(new long[] { 7 }, 95, 7)]
    [InlineData(new long[] { 1, 2, 3, 4 }, 50, 2)]
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }, 95, 19)]
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }, 50, 10)]
    public void Percentiles_use_the_nearest_rank(long[] sorted, double percentile, long expected) =>
        Assert.Equal(expected, RunReportBuilder.Percentile(sorted, percentile));

    [Fact]
    public void The_report_sums_each_stage_names_the_flakiest_and_the_request_with_most_build_attempts()
    {
        var runs = new[]
        {
            Run("a", Final("approved", 1), Attempt("plan", 100, 10, 5), Attempt("build", 200, 20, 10), Attempt("validate", 300, 0, 0)),
            Run("b", Final("build_budget_exhausted", 3),
                Attempt("build", 400, 20, 10), Attempt("validate", 500, 0, 0, ok: false),
                Attempt("build", 600, 20, 10), Attempt("validate", 700, 0, 0, ok: false),
                Attempt("build", 800, 20, 10, retries: 2), Attempt("validate", 900, 0, 0, ok: false)),
            Run("c", null, Attempt("plan", 50, 10, 5)),
        };

        var report = RunReportBuilder.FromRuns("runs", runs);

        Assert.Equal(3, report.Requests);
        Assert.Equal(1, report.Unfinished);
        Assert.Equal(["plan", "build", "validate"], report.Stages.Select(s => s.Stage));
        var build = report.Stages.Single(s => s.Stage == "build");
        Assert.Equal((4, 400L, 800L, 80L, 40L, 2), (build.Attempts, build.P50Ms, build.P95Ms, build.TokensIn, build.TokensOut, build.Retries));
        Assert.Equal(0.75, report.Stages.Single(s => s.Stage == "validate").EvalFailureRate);
        Assert.Equal("validate", report.FlakiestStage);
        Assert.Equal(new BuildAttemptsLeader("b", 3, "build_budget_exhausted"), report.MostBuildAttempts);
        Assert.Equal(1, report.Outcomes["approved"]);
        Assert.Equal(1, report.Outcomes["build_budget_exhausted"]);
        Assert.Contains("| build | 4 | 400 | 800 | - | - | 80 | 40 | 0 | 2 | 0 % (0) |", MarkdownReportRenderer.Render(report));
        using var json = JsonDocument.Parse(JsonReportRenderer.Render(report));
        Assert.Equal("validate", json.RootElement.GetProperty("flakiest_stage").GetString());
    }

    [Fact]
    public void Cpu_ms_is_summed_and_averaged_per_stage_over_the_attempts_that_recorded_it_in_markdown_and_json()
    {
        var runs = new[]
        {
            Run("a", Final("approved", 1),
                Attempt("validate", 900, 0, 0) with { CpuMs = 1200 }, Attempt("test", 2000, 0, 0) with { CpuMs = 1500 }),
            Run("b", Final("approved", 1),
                Attempt("validate", 800, 0, 0) with { CpuMs = 600 }, Attempt("validate", 800, 0, 0, attempt: 2), Attempt("plan", 100, 10, 5)),
        };

        var report = RunReportBuilder.FromRuns("runs", runs);

        var validate = report.Stages.Single(s => s.Stage == "validate");
        Assert.Equal((1800L, 2, 900L), (validate.CpuMs, validate.CpuAttempts, validate.MeanCpuMs));
        Assert.Null(report.Stages.Single(s => s.Stage == "plan").CpuMs);
        Assert.Contains("| validate | 3 | 800 | 900 | 1800 | 900 |", MarkdownReportRenderer.Render(report));
        Assert.Contains("| plan | 1 | 100 | 100 | - | - |", MarkdownReportRenderer.Render(report));
        using var json = JsonDocument.Parse(JsonReportRenderer.Render(report));
        var stages = json.RootElement.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!);
        Assert.Equal(1800, stages["validate"].GetProperty("cpu_ms").GetInt64());
        Assert.Equal(1500, stages["test"].GetProperty("mean_cpu_ms").GetInt64());
        Assert.Equal(JsonValueKind.Null, stages["plan"].GetProperty("cpu_ms").ValueKind);
    }

    [Fact]
    public void BUILD_prompt_size_is_reported_per_attempt_number_in_markdown_and_json()
    {
        var runs = new[]
        {
            Run("a", Final("approved", 2),
                Attempt("build", 100, 10, 5) with { PromptBytes = 7000 }, Attempt("build", 100, 10, 5, attempt: 2) with { PromptBytes = 2000 }),
            Run("b", Final("approved", 1), Attempt("build", 100, 10, 5) with { PromptBytes = 9000 }, Attempt("plan", 100, 10, 5)),
        };

        var report = RunReportBuilder.FromRuns("runs", runs);

        Assert.Equal([new PromptSizeReport(1, 2, 8000, 9000), new PromptSizeReport(2, 1, 2000, 2000)], report.BuildPromptBytes);
        var markdown = MarkdownReportRenderer.Render(report);
        Assert.Contains("## BUILD prompt size", markdown);
        Assert.Contains("| 1 | 2 | 8000 | 9000 |", markdown);
        Assert.Contains("| 2 | 1 | 2000 | 2000 |", markdown);
        using var json = JsonDocument.Parse(JsonReportRenderer.Render(report));
        var sizes = json.RootElement.GetProperty("build_prompt_bytes");
        Assert.Equal(2000, sizes[1].GetProperty("mean_bytes").GetInt64());
    }

    private static RunTrace Run(string id, PipelineRecord? final, params StageAttemptRecord[] attempts) =>
        new(id, Path.Combine("runs", id), attempts, final, []);

    private static StageAttemptRecord Attempt(string stage, long ms, long tokensIn, long tokensOut, bool ok = true, int retries = 0, int attempt = 1) =>
        new(stage, attempt, null, null, tokensIn, tokensOut, ms, retries, ok, 0m, null, default);

    private static PipelineRecord Final(string outcome, int buildAttempts) =>
        new(outcome, outcome == "approved", buildAttempts, 1, 0, 0m, null, null, null, null, default);
}
