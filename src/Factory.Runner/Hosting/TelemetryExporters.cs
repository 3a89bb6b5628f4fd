using Factory.Dataflow.Diagnostics;
using Factory.Runner.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Factory.Runner.Hosting;

/// <summary>
/// Opt-in OpenTelemetry export of Factory's activities and metrics (<see cref="FactoryDiagnostics.SourceName"/>).
/// Off unless <c>Factory:Telemetry:Exporters</c> (env <c>Factory__Telemetry__Exporters</c>) names "console", "otlp" or
/// both, comma-separated. OTLP goes to <c>Factory:Telemetry:OtlpEndpoint</c>, or to the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (default http://localhost:4317) when that is unset.
/// </summary>
internal static class TelemetryExporters
{
    public const string ExportersKey = "Factory:Telemetry:Exporters";
    public const string OtlpEndpointKey = "Factory:Telemetry:OtlpEndpoint";

    private static readonly string[] Known = ["console", "otlp"];

    public static void AddConfigured(IServiceCollection services, IConfiguration configuration)
    {
        var exporters = Parse(configuration[ExportersKey]);
        if (exporters.Count == 0)
        {
            return;
        }

        var endpoint = configuration[OtlpEndpointKey] is { Length: > 0 } text ? ParseEndpoint(text) : null;
        services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(FactoryDiagnostics.SourceName);
                if (exporters.Contains("console"))
                {
                    tracing.AddConsoleExporter();
                }

                if (exporters.Contains("otlp"))
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = endpoint ?? o.Endpoint);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FactoryDiagnostics.SourceName);
                if (exporters.Contains("console"))
                {
                    metrics.AddConsoleExporter();
                }

                if (exporters.Contains("otlp"))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = endpoint ?? o.Endpoint);
                }
            });
    }

    private static HashSet<string> Parse(string? value)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new RunnerException(
                    $"{ExportersKey} names an unknown exporter '{name}'. Use \"console\", \"otlp\" or \"console,otlp\" " +
                    "(environment: Factory__Telemetry__Exporters), or leave it unset for none.");
            }

            names.Add(name.ToLowerInvariant());
        }

        return names;
    }

    private static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new RunnerException($"{OtlpEndpointKey} is '{text}', which is not an http(s) URL (e.g. http://localhost:4317).");
}
