using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>Registers the Factory pipeline in a service collection.</summary>
public static class FactoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pipeline with <see cref="FactoryOptions"/> bound from <paramref name="configuration"/> (a
    /// <c>Factory</c> section, or a root whose <c>Factory</c> section is used) and validated when the host starts.
    /// </summary>
    public static FactoryPipelineRegistration AddFactoryPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: FactoryOptions.SectionName }
            ? configuration
            : configuration.GetSection(FactoryOptions.SectionName);
        var registration = AddCore(services);
        services.AddOptions<FactoryOptions>().Configure(o => FactoryOptionsBinding.Bind(section, o));
        return registration;
    }

    /// <summary>Registers the pipeline with <see cref="FactoryOptions"/> set by <paramref name="configure"/>, validated when the host starts.</summary>
    public static FactoryPipelineRegistration AddFactoryPipeline(this IServiceCollection services, Action<FactoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var registration = AddCore(services);
        services.AddOptions<FactoryOptions>().Configure(configure);
        return registration;
    }

    private static FactoryPipelineRegistration AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(FactoryPipelineRegistration)))
        {
            throw new InvalidOperationException("AddFactoryPipeline was already called on this service collection; call it once.");
        }

        var registration = new FactoryPipelineRegistration(services);
        services.AddSingleton(registration);
        services.AddOptions<FactoryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FactoryOptions>, FactoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => CreateChats(sp, registration));
        foreach (var stage in StagesOptions.ModelStages)
        {
            // One chat line per model stage, keyed by its StageName, for code that talks to a stage's model directly.
            services.AddKeyedSingleton(stage, (sp, key) => sp.GetRequiredService<StageChatFactory>().Create((StageName)key!));
        }

        services.AddSingleton(sp => new SandboxedRunner(
            Options(sp).Sandbox, Logger<SandboxedRunner>(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(ToolchainRegistry.Default);
        services.AddSingleton(sp => new GitWorkspaceProvider(Options(sp).Workspace, Options(sp).Gates.PythonInterpreter, Logger<GitWorkspaceProvider>(sp))
        {
            Toolchains = sp.GetRequiredService<ToolchainRegistry>(),
        });
        services.AddSingleton<IWorkspaceProvider>(sp => sp.GetRequiredService<GitWorkspaceProvider>());
        services.AddSingleton(sp => new FactoryPipelineFactory(sp, registration, sp.GetRequiredService<IOptions<FactoryOptions>>()));
        services.AddSingleton(sp => sp.GetRequiredService<FactoryPipelineFactory>().Create());
        return registration;
    }

    private static StageChatFactory CreateChats(IServiceProvider services, FactoryPipelineRegistration registration)
    {
        var options = Options(services);
        var time = services.GetRequiredService<TimeProvider>();
        var logger = Logger<StageChatFactory>(services);
        void Configure(ChatClientBuilder builder)
        {
            foreach (var step in registration.ChatSteps)
            {
                step(services, builder);
            }
        }

        if (options.ReplayCassette is { } cassette)
        {
            var builder = new ChatClientBuilder(new ReplayChatClient(cassette));
            Configure(builder);
            return new StageChatFactory(options.Models, builder.Build(services), time, logger);
        }

        return StageChatFactory.ForOllama(options.Models, Configure, time, logger);
    }

    private static FactoryOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<FactoryOptions>>().Value;

    private static ILogger<T>? Logger<T>(IServiceProvider services) => services.GetService<ILogger<T>>();
}
