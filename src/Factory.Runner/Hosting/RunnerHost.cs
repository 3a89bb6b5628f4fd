using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Hosting.Registration;
using Factory.Runner.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Factory.Runner.Hosting;

/// <summary>
/// Builds the generic host a command runs in: configuration from <see cref="RunnerConfiguration"/> (the tool's folder,
/// the user's configuration, the environment, the command line; never the current folder or the repository); console
/// logging to stderr; the pipeline from <see cref="FactoryServiceCollectionExtensions.AddFactoryPipeline(IServiceCollection, IConfiguration)"/>.
/// </summary>
internal static class RunnerHost
{
    public static async Task<IHost> StartAsync(RunnerSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        RunnerConfiguration.Add(builder.Configuration, settings);

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // Logs go to stderr so that stdout holds only the command's own output (the report, the summary).
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;

            // Plain text: stderr goes through the escaping writer, which would show color codes as text.
            o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var registration = builder.Services.AddFactoryPipeline(builder.Configuration);
        if (settings.RecordCassette is { } cassette)
        {
            registration.ConfigureChatClient((_, chat) => chat.UseRecording(cassette));
        }

        TelemetryExporters.AddConfigured(builder.Services, builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch (OptionsValidationException exception)
        {
            host.Dispose();
            throw new RunnerException(
                "The configuration is not usable:\n- " + string.Join("\n- ", exception.Failures) +
                $"\nFix the option, {RunnerConfiguration.UserFile()} or Factory__... environment variable named above.", exception);
        }
    }

    public static FactoryOptions Options(this IHost host) => host.Services.GetRequiredService<IOptions<FactoryOptions>>().Value;
}
