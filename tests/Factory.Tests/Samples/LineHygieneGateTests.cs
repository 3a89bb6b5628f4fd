using Factory.Dataflow;
using Factory.Dataflow.Workspace;
using Factory.Samples.CustomGate;
using Factory.Tests.Support;

namespace Factory.Tests.Samples;

public sealed class LineHygieneGateTests
{
    [Fact]
    public async Task A_custom_gate_in_VALIDATEs_slot_sends_its_failure_back_to_BUILD_as_feedback()
    {
        using var repo = SampleRepo.Create();
        var feedback = new List<string?>();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath }))
            .Use(StageName.Build, async (context, ct) =>
            {
                feedback.Add(context.Feedback);

                // The first attempt leaves trailing whitespace; the second fixes it.
                var line = context.BuildAttempt == 1 ? "x = 1   " : "x = 1";
                var report = await context.RequireWorkspace().WriteAsync([new FileEdit("app/extra.py", line + "\n")], WriterRole.Build, ct);
                return report.Accepted ? StageResult.Success() : StageResult.Failure(report.Rejection!);
            })
            .Use(StageName.Validate, new LineHygieneGate())
            .Build();

        var outcome = await pipeline.RunAsync(new FeatureRequest("hygiene", "add app/extra.py")).Within(120);

        Assert.True(outcome.IsApproved, outcome.Reason);
        Assert.Equal(2, outcome.BuildAttempts);
        Assert.Null(feedback[0]);
        Assert.Contains("app/extra.py: trailing whitespace: 'x = 1   '", feedback[1]);
    }
}
