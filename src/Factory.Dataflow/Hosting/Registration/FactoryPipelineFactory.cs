using Factory.Dataflow.Chat;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>
/// Composes the real pipeline from <see cref="FactoryOptions"/>: the standard stages over the container's
/// <see cref="StageChatFactory"/> and <see cref="SandboxedRunner"/>, the git workspace, the pipeline options, then every
/// customisation made on <see cref="FactoryPipelineRegistration"/>. Each <see cref="Create"/> builds a new pipeline;
/// the container's own <see cref="FactoryPipeline"/> singleton is the first one asked for.
/// </summary>
public sealed class FactoryPipelineFactory
{
    private readonly IServiceProvider _services;
    private readonly FactoryPipelineRegistration _registration;
    private readonly FactoryOptions _options;

    internal FactoryPipelineFactory(IServiceProvider services, FactoryPipelineRegistration registration, IOptions<FactoryOptions> options)
    {
        _services = services;
        _registration = registration;
        _options = options.Value;
    }

    /// <summary>Builds a pipeline; <paramref name="configure"/> runs last, after the registration's own customisations.</summary>
    /// <exception cref="InvalidOperationException">The composed pipeline is incomplete or its options are invalid.</exception>
    public FactoryPipeline Create(Action<FactoryPipelineBuilder>? configure = null)
    {
        var builder = new FactoryPipelineBuilder()
            .UseStandardStages(
                _services.GetRequiredService<StageChatFactory>(),
                _options.Models,
                _services.GetRequiredService<SandboxedRunner>(),
                _options.Gates,
                _services.GetRequiredService<ToolchainRegistry>())
            .UseWorkspace(_services.GetRequiredService<IWorkspaceProvider>());

        // UseStandardStages has raised stage timeouts to cover the models' retries; the configured options keep those
        // raises unless they ask for more.
        var raised = builder.Options.Clone();
        builder.Configure(o => CopyFrom(o, _options.Pipeline, raised));
        foreach (var step in _registration.PipelineSteps)
        {
            step(_services, builder);
        }

        configure?.Invoke(builder);
        return builder.Build();
    }

    private static void CopyFrom(PipelineOptions target, PipelineOptions configured, PipelineOptions raised)
    {
        target.BuildBudget = configured.BuildBudget;
        target.MaxRequestsInBuildLoop = configured.MaxRequestsInBuildLoop;
        target.OutcomeCapacity = configured.OutcomeCapacity;
        target.RunsDirectory = configured.RunsDirectory;
        target.MaxTokensPerRequest = configured.MaxTokensPerRequest;
        target.MaxCostPerRequest = configured.MaxCostPerRequest;
        foreach (var stage in new[] { StageName.Plan, StageName.Scout, StageName.Build, StageName.Validate, StageName.Test, StageName.Review, StageName.Workspace })
        {
            var stageOptions = configured.For(stage).Clone();
            var floor = raised.For(stage).Timeout;
            if (stageOptions.Timeout != Timeout.InfiniteTimeSpan && stageOptions.Timeout < floor)
            {
                stageOptions.Timeout = floor;
            }

            Assign(target, stage, stageOptions);
        }
    }

    private static void Assign(PipelineOptions target, StageName stage, StageOptions value)
    {
        switch (stage)
        {
            case StageName.Plan: target.Plan = value; break;
            case StageName.Scout: target.Scout = value; break;
            case StageName.Build: target.Build = value; break;
            case StageName.Validate: target.Validate = value; break;
            case StageName.Test: target.Test = value; break;
            case StageName.Review: target.Review = value; break;
            default: target.Settle = value; break;
        }
    }
}
