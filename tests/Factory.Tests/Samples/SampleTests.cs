using Factory.Dataflow;
using Factory.Dataflow.Tracing;
using Factory.Samples;
using Factory.Samples.Backlog;
using Factory.Samples.ChatMiddleware;
using Factory.Samples.CustomGate;
using Factory.Samples.OneRequest;
using Factory.Tests.Support;

namespace Factory.Tests.Samples;

/// <summary>Each numbered sample, run in-process on the replayed cassette and the real gates.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task Sample_1_runs_one_request_to_an_approved_branch_on_replayed_replies()
    {
        var output = new StringWriter();

        var outcome = await OneRequestSample.RunAsync(output).Within(600);

        Assert.True(outcome.IsApproved, $"{outcome.StatusName} at {outcome.FailedStage}: {outcome.Reason}");
        Assert.StartsWith("factory/", outcome.Branch);
        Assert.Contains("+@app.get(\"/health\")", outcome.Diff);
        Assert.Contains("+++ b/tests/test_health.py", outcome.Diff);
        Assert.Contains("replayed", output.ToString());
        Assert.All(outcome.Stages.Where(s => s.Model is not null), s => Assert.Contains("@replay:", s.ServedBy));
    }

    [Fact]
    public async Task Sample_2_drains_a_backlog_through_the_worker_and_every_request_gets_an_outcome()
    {
        var output = new StringWriter();

        var outcomes = await BacklogSample.RunAsync(output).Within(600);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.IsApproved, $"{o.Request.Id}: {o.StatusName}: {o.Reason}"));
        Assert.Equal(
            [SampleReplies.HealthRequest, SampleReplies.VersionRequest],
            outcomes.Select(o => o.Request.Text).Order(StringComparer.Ordinal));
        Assert.Contains("2 of 2 approved.", output.ToString());
        Assert.Contains("replayed", output.ToString());
    }

    [Fact]
    public async Task Sample_3_replaces_VALIDATE_with_a_custom_gate_without_forking()
    {
        var output = new StringWriter();

        var outcome = await CustomGateSample.RunAsync(output).Within(600);

        Assert.True(outcome.IsApproved, $"{outcome.StatusName} at {outcome.FailedStage}: {outcome.Reason}");
        Assert.Contains("VALIDATE was judged by: line-hygiene, eval_ok=True", output.ToString());
        var validate = Assert.Single(outcome.Stages, s => s.Stage == StageName.Validate);
        Assert.True(validate.EvalOk);
        Assert.Contains("replayed", output.ToString());
    }

    [Fact]
    public async Task Sample_4_logs_every_model_call_through_a_chat_client_middleware()
    {
        var output = new StringWriter();

        var (outcome, calls) = await ChatMiddlewareSample.RunAsync(output).Within(600);

        Assert.True(outcome.IsApproved, $"{outcome.StatusName} at {outcome.FailedStage}: {outcome.Reason}");

        // PLAN, SCOUT's tool round and its brief, BUILD, TEST's writer, REVIEW.
        Assert.Equal(6, calls);
        Assert.Equal(6, output.ToString().Split('\n').Count(l => l.TrimStart().StartsWith("call ", StringComparison.Ordinal)));
        Assert.Contains("replayed", output.ToString());
    }

    [Theory]
    [InlineData]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("one")]
    public async Task The_samples_program_lists_the_samples_for_a_missing_or_unknown_number(params string[] args)
    {
        var output = new StringWriter();

        var exitCode = await SampleCatalog.RunAsync(args, output);

        Assert.Equal(2, exitCode);
        Assert.Contains("1  one request in ten lines of code", output.ToString());
        Assert.Contains("4  a custom chat-client middleware", output.ToString());
    }
}
