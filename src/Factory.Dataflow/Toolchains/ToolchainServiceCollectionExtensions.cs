using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Factory.Dataflow.Toolchains;

/// <summary>Registers the container's toolchains, the way Polly's <c>AddResiliencePipeline</c> registers a pipeline.</summary>
public static class ToolchainServiceCollectionExtensions
{
    /// <summary>
    /// Makes the container's <see cref="ToolchainRegistry"/> the one <paramref name="configure"/> builds, replacing the
    /// default (Python only) that the Factory registration adds: e.g.
    /// <c>services.AddToolchains(toolchains => toolchains.AddPythonToolchain().AddToolchain(new MyToolchain()))</c>.
    /// The pipeline's stages, the workspace's jail and the runner's preflight all use it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The toolchains do not form a valid registry (none, or a name twice).</exception>
    public static IServiceCollection AddToolchains(this IServiceCollection services, Action<ToolchainRegistryBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new ToolchainRegistryBuilder();
        configure(builder);
        var registry = builder.Build();
        services.RemoveAll<ToolchainRegistry>();
        services.AddSingleton(registry);
        return services;
    }
}
