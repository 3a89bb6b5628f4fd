using System.CommandLine;
using Factory.Dataflow.Distributed;
using Factory.Runner.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Factory.Runner.Queue;

/// <summary>The options the queue commands share, and how they combine with <c>Factory:Queue</c>.</summary>
internal static class QueueCliOptions
{
    public static Option<string?> Queue(bool required) => new("--queue")
    {
        Description = "The NATS server of the shared backlog, e.g. nats://10.0.0.5:4222 (JetStream enabled).",
        Required = required,
    };

    public static Option<string?> Remote(bool required) => new("--remote")
    {
        Description = "The shared git remote (URL, or a path every worker can reach) that holds the outcomes and approved branches.",
        Required = required,
    };

    /// <summary>A URL the NATS client can use, or a usage error that says what one looks like.</summary>
    public static string RequireQueueUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "nats" or "tls" or "ws" or "wss" && uri.Port > 0
            ? url
            : throw new RunnerException($"--queue {url}: not a NATS address. Pass nats://HOST:PORT (e.g. nats://127.0.0.1:4222).");

    /// <summary><c>Factory:Queue</c> from the host's configuration, with the command line on top, validated.</summary>
    public static QueueOptions Bind(IHost host, Action<QueueOptions> commandLine)
    {
        var options = new QueueOptions();
        host.Services.GetRequiredService<IConfiguration>().GetSection(QueueOptions.SectionName).Bind(options);
        commandLine(options);
        return options.Validate() is { Count: > 0 } problems
            ? throw new RunnerException("The queue configuration is not usable:\n- " + string.Join("\n- ", problems))
            : options;
    }

    /// <summary>The command-line values alone, validated, for commands that run before (or without) a host.</summary>
    public static QueueOptions FromCommandLine(Action<QueueOptions> commandLine)
    {
        var options = new QueueOptions();
        commandLine(options);
        return options.Validate() is { Count: > 0 } problems
            ? throw new RunnerException("The queue options are not usable:\n- " + string.Join("\n- ", problems))
            : options;
    }
}
