using Factory.Dataflow.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Factory.Nats;

/// <summary>Registers <see cref="NatsWorkQueue"/> as the container's <see cref="IWorkQueue"/>.</summary>
public static class NatsQueueServiceCollectionExtensions
{
    /// <summary>
    /// Adds the NATS JetStream work queue, configured by the <see cref="QueueOptions"/> that
    /// <c>AddFactoryQueueWorker</c> binds from <c>Factory:Queue</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddFactoryPipeline(configuration);
    /// services.AddFactoryQueueWorker(configuration);
    /// services.AddFactoryNatsQueue();
    /// </code>
    /// </example>
    public static IServiceCollection AddFactoryNatsQueue(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IWorkQueue>(sp => new NatsWorkQueue(sp.GetRequiredService<IOptions<QueueOptions>>().Value));
        return services;
    }
}
