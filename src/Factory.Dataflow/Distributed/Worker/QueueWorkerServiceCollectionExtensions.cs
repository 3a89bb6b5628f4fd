using Factory.Dataflow.Hosting.Registration;
using Factory.Dataflow.Toolchains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Factory.Dataflow.Distributed;

/// <summary>Registers a <see cref="QueueWorker"/> as a hosted service.</summary>
public static class QueueWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a queue worker configured from <c>Factory:Queue</c> (<see cref="QueueOptions"/>, validated when the host
    /// starts) over the pipeline of <c>AddFactoryPipeline</c> (call that first), with the git outcome store and a mirror
    /// of <see cref="QueueOptions.Remote"/>. The broker comes from the container: register an <see cref="IWorkQueue"/>
    /// (for NATS JetStream, <c>services.AddFactoryNatsQueue()</c> from Factory.Nats).
    /// </summary>
    /// <remarks>
    /// The worker builds on each request's base commit, not on a local repository, so when
    /// <c>Factory:Workspace:RepositoryPath</c> is unset it is pointed at the worker's state folder.
    /// </remarks>
    public static IServiceCollection AddFactoryQueueWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(QueueWorkerRegistered)))
        {
            throw new InvalidOperationException("AddFactoryQueueWorker was already called on this service collection; one worker pulls for one process.");
        }

        services.AddSingleton<QueueWorkerRegistered>();
        var section = configuration is IConfigurationSection { Path: QueueOptions.SectionName } ? configuration : configuration.GetSection(QueueOptions.SectionName);
        services.AddOptions<QueueOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueOptions>, QueueOptionsValidator>();
        services.AddOptions<FactoryOptions>().PostConfigure<IOptions<QueueOptions>>((factory, queue) =>
        {
            if (string.IsNullOrWhiteSpace(factory.Workspace.RepositoryPath) && queue.Value.Validate().Count == 0)
            {
                factory.Workspace.RepositoryPath = Directory.CreateDirectory(queue.Value.EffectiveStateDirectory).FullName;
            }
        });

        services.AddSingleton(sp => new GitOutcomeStore(Queue(sp).Remote, Factory(sp).Workspace.BranchPrefix));
        services.AddSingleton<IOutcomeStore>(sp => sp.GetRequiredService<GitOutcomeStore>());
        services.AddSingleton(sp => new RemoteMirror(Queue(sp).Remote, Queue(sp).EffectiveStateDirectory, Factory(sp).Workspace.BranchPrefix));
        services.AddSingleton(sp => new BaseCommitWorkspaces(
            sp.GetRequiredService<RemoteMirror>(), Factory(sp).Workspace, sp.GetService<ILoggerFactory>(), Queue(sp).IdleBaseCheckouts,
            sp.GetRequiredService<ToolchainRegistry>()));
        services.AddHostedService(sp =>
        {
            var workspaces = sp.GetRequiredService<BaseCommitWorkspaces>();
            var pipeline = sp.GetRequiredService<FactoryPipelineFactory>().Create(builder => builder.UseWorkspace(workspaces));
            return new QueueWorker(
                Queue(sp),
                sp.GetRequiredService<IWorkQueue>(),
                sp.GetRequiredService<IOutcomeStore>(),
                workspaces,
                pipeline,
                ownsPipeline: true,
                sp.GetService<TimeProvider>(),
                sp.GetService<ILogger<QueueWorker>>());
        });
        return services;
    }

    private static QueueOptions Queue(IServiceProvider services) => services.GetRequiredService<IOptions<QueueOptions>>().Value;

    private static FactoryOptions Factory(IServiceProvider services) => services.GetRequiredService<IOptions<FactoryOptions>>().Value;

    /// <summary>Reports every problem of <see cref="QueueOptions.Validate"/>, each named by its configuration key.</summary>
    private sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
    {
        public ValidateOptionsResult Validate(string? name, QueueOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    /// <summary>Marks a collection that already has a queue worker.</summary>
    private sealed class QueueWorkerRegistered;
}
