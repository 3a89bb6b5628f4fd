using Factory.Dataflow;
using Factory.Dataflow.Budget;

namespace Factory.Benchmarks.Support;

/// <summary>
/// The seed's design: one request at a time through the six stages, with the same routing as the graph (a failing
/// gate goes back to BUILD). The baseline that pipelining must beat.
/// </summary>
internal static class SequentialPipeline
{
    public static async Task<int> RunAsync(IReadOnlyList<FeatureRequest> requests, Func<StageName, IFactoryStage> stages, int buildBudget = 3)
    {
        var approved = 0;
        foreach (var request in requests)
        {
            var budget = new RequestBudget();
            await CallAsync(stages, StageName.Plan, request, 0, budget).ConfigureAwait(false);
            await CallAsync(stages, StageName.Scout, request, 0, budget).ConfigureAwait(false);
            var passed = false;
            for (var build = 1; build <= buildBudget && !passed; build++)
            {
                passed = await CallAsync(stages, StageName.Build, request, build, budget).ConfigureAwait(false)
                    && await CallAsync(stages, StageName.Validate, request, build, budget).ConfigureAwait(false)
                    && await CallAsync(stages, StageName.Test, request, build, budget).ConfigureAwait(false);
            }

            approved += passed && await CallAsync(stages, StageName.Review, request, buildBudget, budget).ConfigureAwait(false) ? 1 : 0;
        }

        return approved;
    }

    private static async Task<bool> CallAsync(Func<StageName, IFactoryStage> stages, StageName stage, FeatureRequest request, int build, RequestBudget budget)
    {
        var context = new StageContext(request, stage, 1, NoOpStages.Spec, NoOpStages.Brief, null, null, null, build, budget, null);
        return (await stages(stage).ExecuteAsync(context, CancellationToken.None).ConfigureAwait(false)).Ok;
    }
}
