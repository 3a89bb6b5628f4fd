namespace Factory.Dataflow;

/// <summary>Checks <see cref="PipelineOptions"/> once, at build time, and says exactly what is wrong.</summary>
public static class PipelineOptionsValidator
{
    private static readonly StageName[] Blocks =
    [
        StageName.Plan, StageName.Scout, StageName.Build, StageName.Validate, StageName.Test, StageName.Review, StageName.Workspace,
    ];

    /// <summary>Every problem found, as messages naming the option; empty when the options are valid.</summary>
    public static IReadOnlyList<string> Validate(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.BuildBudget < 1)
        {
            problems.Add($"BuildBudget must be at least 1 (BUILD calls per request), but is {options.BuildBudget}.");
        }

        if (options.MaxRequestsInBuildLoop is < 1)
        {
            problems.Add($"MaxRequestsInBuildLoop must be at least 1 or null for the default, but is {options.MaxRequestsInBuildLoop}.");
        }

        if (options.OutcomeCapacity is < 1)
        {
            problems.Add($"OutcomeCapacity must be at least 1 or null for unbounded, but is {options.OutcomeCapacity}.");
        }

        if (options.MaxTokensPerRequest is < 1)
        {
            problems.Add($"MaxTokensPerRequest must be positive or null for no limit, but is {options.MaxTokensPerRequest}.");
        }

        if (options.MaxCostPerRequest is < 0)
        {
            problems.Add($"MaxCostPerRequest cannot be negative, but is {options.MaxCostPerRequest}.");
        }

        foreach (var block in Blocks)
        {
            var stage = options.For(block);
            var name = block == StageName.Workspace ? "Settle" : block.ToString();
            if (stage is null)
            {
                problems.Add($"{name} options are missing.");
                continue;
            }

            if (stage.MaxDegreeOfParallelism < 1)
            {
                problems.Add($"{name}.MaxDegreeOfParallelism must be at least 1, but is {stage.MaxDegreeOfParallelism}.");
            }

            if (stage.BoundedCapacity < 1)
            {
                problems.Add($"{name}.BoundedCapacity must be at least 1 (the graph is always bounded), but is {stage.BoundedCapacity}.");
            }

            if (stage.Timeout <= TimeSpan.Zero && stage.Timeout != Timeout.InfiniteTimeSpan)
            {
                problems.Add($"{name}.Timeout must be positive or Timeout.InfiniteTimeSpan, but is {stage.Timeout}.");
            }
        }

        return problems;
    }
}
