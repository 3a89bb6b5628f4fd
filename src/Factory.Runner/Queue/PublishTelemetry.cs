using Factory.Runner.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Factory.Runner.Queue;

/// <summary>
/// The publisher's telemetry: <c>batch --queue</c> runs no host, so the exporters named by
/// <c>Factory__Telemetry__Exporters</c> (see <see cref="TelemetryExporters"/>) are started here, and the publish
/// activities whose trace context travels in the messages are exported too.
/// </summary>
internal static class PublishTelemetry
{
    public static ServiceProvider Start()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        TelemetryExporters.AddConfigured(services, configuration);
        var provider = services.BuildServiceProvider();

        // Resolving the tracer provider starts its listener (none is registered when no exporter is configured).
        _ = provider.GetService<TracerProvider>();
        return provider;
    }
}
