using Factory.Dataflow;

namespace Factory.Benchmarks.Support;

/// <summary>Pushes a backlog through a pipeline the way an embedder would: submit everything, read every outcome.</summary>
internal static class PipelineDriver
{
    /// <summary>Submits <paramref name="requests"/>, completes the pipeline and returns how many were approved.</summary>
    public static async Task<int> RunBacklogAsync(FactoryPipeline pipeline, IReadOnlyList<FeatureRequest> requests)
    {
        // The reader runs alongside the submitter: outcomes are bounded, so a reader that started last could stall the graph.
        var reader = CountApprovedAsync(pipeline);
        foreach (var request in requests)
        {
            await pipeline.SubmitAsync(request).ConfigureAwait(false);
        }

        pipeline.Complete();
        await pipeline.Completion.ConfigureAwait(false);
        var approved = await reader.ConfigureAwait(false);
        if (approved != requests.Count)
        {
            throw new InvalidOperationException($"Only {approved} of {requests.Count} requests were approved; the benchmark would measure the wrong work.");
        }

        return approved;
    }

    private static async Task<int> CountApprovedAsync(FactoryPipeline pipeline)
    {
        var approved = 0;
        await foreach (var outcome in pipeline.ReadOutcomesAsync().ConfigureAwait(false))
        {
            approved += outcome.IsApproved ? 1 : 0;
        }

        return approved;
    }
}
