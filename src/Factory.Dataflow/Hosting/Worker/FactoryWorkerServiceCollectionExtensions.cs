using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Hosting.Worker;

/// <summary>
/// Registers <see cref="FactoryWorker"/> as a hosted service. One worker per container: a second call throws, because
/// the host would otherwise keep only the first registration and silently drop the second one's channels.
/// </summary>
public static class FactoryWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a worker that feeds the <see cref="FactoryPipeline"/> registered in the container (by
    /// <c>AddFactoryPipeline</c> or the app itself) from <paramref name="requests"/> and publishes outcomes to
    /// <paramref name="outcomes"/>. The container owns the pipeline; the worker completes it when it stops.
    /// </summary>
    public static IServiceCollection AddFactoryWorker(
        this IServiceCollection services,
        ChannelReader<FeatureRequest> requests,
        ChannelWriter<FeatureOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(outcomes);
        EnsureFirstWorker(services);
        services.AddHostedService(provider => new FactoryWorker(
            provider.GetRequiredService<FactoryPipeline>(), ownsPipeline: false, requests, outcomes, Logger(provider)));
        return services;
    }

    /// <summary>
    /// Adds a worker whose pipeline <paramref name="pipeline"/> builds when the host starts the worker; the worker owns
    /// that pipeline and disposes it when it stops. The pipeline is not registered in the container.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddFactoryWorker(
    ///     _ =&gt; new FactoryPipelineBuilder().UseStandardStages(chats, models, runner, gates).UseWorkspace(provider).Build(),
    ///     requests.Reader, outcomes.Writer);
    /// </code>
    /// </example>
    public static IServiceCollection AddFactoryWorker(
        this IServiceCollection services,
        Func<IServiceProvider, FactoryPipeline> pipeline,
        ChannelReader<FeatureRequest> requests,
        ChannelWriter<FeatureOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(outcomes);
        EnsureFirstWorker(services);
        services.AddHostedService(provider => new FactoryWorker(
            pipeline(provider) ?? throw new InvalidOperationException("The pipeline factory given to AddFactoryWorker returned null."),
            ownsPipeline: true,
            requests,
            outcomes,
            Logger(provider)));
        return services;
    }

    private static void EnsureFirstWorker(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(WorkerRegistered)))
        {
            throw new InvalidOperationException(
                "AddFactoryWorker was already called on this service collection; one worker serves one pipeline and one pair of channels.");
        }

        services.AddSingleton<WorkerRegistered>();
    }

    private static ILogger? Logger(IServiceProvider provider) => provider.GetService<ILoggerFactory>()?.CreateLogger<FactoryWorker>();

    /// <summary>Marks a collection that already has a worker.</summary>
    private sealed class WorkerRegistered;
}
