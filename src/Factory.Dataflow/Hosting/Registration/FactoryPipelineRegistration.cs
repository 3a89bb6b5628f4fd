using Factory.Dataflow.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>
/// Returned by <c>AddFactoryPipeline</c>: further configuration of the pipeline the container composes — replace a
/// stage, add middleware around the chat clients, add trace sinks, or change the builder directly.
/// </summary>
public sealed class FactoryPipelineRegistration
{
    private readonly List<Action<IServiceProvider, FactoryPipelineBuilder>> _pipeline = [];
    private readonly List<Action<IServiceProvider, ChatClientBuilder>> _chat = [];

    internal FactoryPipelineRegistration(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for chaining other registrations.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyList<Action<IServiceProvider, FactoryPipelineBuilder>> PipelineSteps => _pipeline;

    internal IReadOnlyList<Action<IServiceProvider, ChatClientBuilder>> ChatSteps => _chat;

    /// <summary>Changes the builder after the standard stages and the workspace are in (runs in registration order).</summary>
    public FactoryPipelineRegistration ConfigurePipeline(Action<IServiceProvider, FactoryPipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _pipeline.Add(configure);
        return this;
    }

    /// <summary>Puts the stage made by <paramref name="create"/> in the slot of <paramref name="stage"/>, replacing the built-in one.</summary>
    public FactoryPipelineRegistration UseStage(StageName stage, Func<IServiceProvider, IFactoryStage> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return ConfigurePipeline((services, builder) => builder.Use(stage, create(services)));
    }

    /// <summary>Adds middleware around the chat client every model stage calls (e.g. logging, caching, recording).</summary>
    public FactoryPipelineRegistration ConfigureChatClient(Action<IServiceProvider, ChatClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _chat.Add(configure);
        return this;
    }

    /// <summary>Adds a trace sink resolved from the container (registered as a singleton if it is not already).</summary>
    public FactoryPipelineRegistration AddTraceSink<TSink>()
        where TSink : class, ITraceSink
    {
        Services.AddSingleton<TSink>();
        return ConfigurePipeline((services, builder) => builder.AddTraceSink(services.GetRequiredService<TSink>()));
    }
}
