using System.Text.Json;
using Factory.Dataflow.Tracing;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed class BatchCommandTests(RunnerProcess runner)
{
    [Fact]
    public async Task A_batch_runs_every_good_line_and_reports_a_malformed_one_with_its_line_number()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        var backlog = Path.Combine(repo.RunsPath, "..", "backlog.txt");
        await File.WriteAllLinesAsync(backlog,
        [
            "# the backlog",
            "add a GET /alpha endpoint returning status ok",
            "",
            "{\"id\": \"beta\", \"request\": \"add a GET /beta endpoint returning status ok\"",
            "{\"id\": \"gamma\", \"request\": \"add a GET /gamma endpoint returning status ok\"}",
        ]);

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo),
            "batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("line 4: not valid JSON", result.Output);
        Assert.Contains("2 approved, 1 malformed", result.Output);
        Assert.Contains("factory/gamma", RunnerTestKit.FactoryBranches(repo));
        Assert.Equal(2, RunnerTestKit.FactoryBranches(repo).Count);
        var journal = await File.ReadAllLinesAsync(Path.Combine(repo.RunsPath, "journal.jsonl"));
        Assert.Equal(2, journal.Count(l => l.Contains("\"finished\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_report_figures_match_the_traces_and_a_json_file_is_written_beside_them()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        var backlog = Path.Combine(repo.RunsPath, "..", "backlog.txt");
        await File.WriteAllLinesAsync(backlog,
        [
            "{\"id\": \"version\", \"request\": \"add a GET /version endpoint returning status ok\"}",
            "{\"id\": \"stats\", \"request\": \"add a GET /stats endpoint returning status ok\"}",
            "{\"id\": \"ping\", \"request\": \"add a GET /ping endpoint returning status ok\"}",
        ]);
        var env = RunnerTestKit.Environment(repo);
        var batch = await runner.RunAsync(env, "batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString());
        Assert.True(batch.ExitCode == 1, batch.ToString());

        var page = Path.Combine(repo.RunsPath, "..", "report.html");
        var result = await runner.RunAsync(env, "report", repo.RunsPath, "--html", page);

        Assert.True(result.ExitCode == 0, result.ToString());
        var html = await File.ReadAllTextAsync(page);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.All(new[] { "version", "stats", "ping" }, id => Assert.Contains(id, html, StringComparison.Ordinal));
        var runs = TraceReader.ReadRuns(repo.RunsPath);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(repo.RunsPath, "report.json")));
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("requests").GetInt32());
        Assert.Equal(2, root.GetProperty("outcomes").GetProperty("approved").GetInt32());
        Assert.Equal(1, root.GetProperty("outcomes").GetProperty("rejected").GetInt32());
        var build = root.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "build");
        var buildAttempts = runs.SelectMany(r => r.Attempts).Where(a => a.Stage == "build").ToList();
        Assert.Equal(4, buildAttempts.Count);
        Assert.Equal(buildAttempts.Count, build.GetProperty("attempts").GetInt32());
        Assert.Equal(buildAttempts.Sum(a => a.TokensIn), build.GetProperty("tokens_in").GetInt64());
        Assert.Equal(buildAttempts.Sum(a => a.TokensOut), build.GetProperty("tokens_out").GetInt64());
        Assert.Equal(buildAttempts.Max(a => a.Ms), build.GetProperty("p95_ms").GetInt64());
        var validate = root.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "validate");
        Assert.Equal(1, validate.GetProperty("eval_failures").GetInt32());
        var review = root.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "review");
        Assert.Equal(1, review.GetProperty("eval_failures").GetInt32());

        // REVIEW's one rejection in three (33%) is a higher eval failure rate than VALIDATE's one mypy failure in four (25%).
        Assert.Equal("review", root.GetProperty("flakiest_stage").GetString());
        Assert.Equal("version", root.GetProperty("most_build_attempts").GetProperty("request_id").GetString());
        Assert.Equal(2, root.GetProperty("most_build_attempts").GetProperty("build_attempts").GetInt32());
        Assert.Contains("| build | 4 |", result.Output);
        Assert.Contains("Most BUILD attempts: version with 2 (approved).", result.Output);
    }
}
