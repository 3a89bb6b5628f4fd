using System.CommandLine;
using System.Globalization;
using Factory.Dataflow.Distributed;
using Factory.Dataflow.Hosting.Registration;
using Factory.Dataflow.Toolchains;
using Factory.Nats;
using Factory.Runner.Cli;
using Factory.Runner.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Factory.Runner.Queue;

/// <summary>
/// <c>factory worker --queue nats://HOST:PORT --remote GIT-URL [--slots N]</c>: pulls requests from the shared backlog,
/// runs each on a worktree at its base commit with the same stages and gates as <c>run</c>, pushes every outcome to the
/// remote (create only), then acks. Runs until SIGTERM or Ctrl-C, then drains.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(TextWriter output)
    {
        var queue = QueueCliOptions.Queue(required: true);
        var remote = QueueCliOptions.Remote(required: true);
        var slots = new Option<int?>("--slots") { Description = "How many requests this worker runs at once (default: Factory:Queue:Slots, 1)." };
        var name = new Option<string?>("--name") { Description = "The worker's name in outcomes and reports (default: <host>-<pid>)." };
        var state = new Option<string?>("--state") { Description = "The worker's folder for its mirror of the remote, base checkouts and worktrees (default: ~/.local/state/factory/workers/<remote-hash>)." };
        var runs = CommonOptions.Runs(required: false);
        var ollama = CommonOptions.Ollama();
        var set = CommonOptions.Set();
        var command = new Command("worker", "Take requests from a shared NATS JetStream backlog, run them, push each outcome to the shared git remote.")
        {
            queue, remote, slots, name, state, runs, ollama, set,
        };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(() =>
        {
            void CommandLine(QueueOptions o)
            {
                o.Url = QueueCliOptions.RequireQueueUrl(parse.GetValue(queue)!);
                o.Remote = GitOutcomeStore.NormaliseRemote(parse.GetValue(remote)!);
                o.Slots = parse.GetValue(slots) ?? o.Slots;
                o.Name = parse.GetValue(name) ?? o.Name;
                o.StateDirectory = parse.GetValue(state) is { } folder ? Path.GetFullPath(folder) : o.StateDirectory;
            }

            return RunAsync(CommandLine, parse.GetValue(runs), parse.GetValue(ollama), CommonOptions.Settings(parse.GetValue(set)), output, cancellationToken);
        }, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        Action<QueueOptions> commandLine, string? runs, string? ollama, IReadOnlyList<KeyValuePair<string, string?>> set, TextWriter output, CancellationToken stop)
    {
        // The mirror comes first: the host's repository is the checkout of the remote's HEAD, so the usual preflight
        // (repository, gates, Ollama) applies to a worker unchanged.
        var early = QueueCliOptions.FromCommandLine(commandLine);
        var state = early.EffectiveStateDirectory;
        using var mirror = new RemoteMirror(early.Remote, state);
        string checkout;
        try
        {
            await mirror.SyncAsync(stop).ConfigureAwait(false);
            var head = await mirror.HeadAsync(stop).ConfigureAwait(false);
            checkout = await mirror.EnsureBaseAsync(head, stop).ConfigureAwait(false);

            // The host's repository for its whole life: never removed as an idle base.
            mirror.Pin(head);
        }
        catch (Exception exception) when (exception is OutcomeStoreUnavailableException or BaseCommitMissingException or Dataflow.Workspace.GitCommandException)
        {
            throw new RunnerException($"{exception.Message}\nCheck --remote {early.Remote}: every worker must be able to fetch from and push to it.", exception);
        }

        var settings = new RunnerSettings(checkout, runs ?? Path.Combine(state, "runs"), ollama, StateDirectory: Path.Combine(state, "worktrees", "preflight"), Set: set);
        using var host = await RunnerHost.StartAsync(settings, stop).ConfigureAwait(false);
        var options = QueueCliOptions.Bind(host, commandLine);
        await using var queue = new NatsWorkQueue(options);
        var store = new GitOutcomeStore(options.Remote, host.Options().Workspace.BranchPrefix);
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();
        var workspaces = new BaseCommitWorkspaces(
            mirror, host.Options().Workspace, loggers, options.IdleBaseCheckouts, host.Services.GetRequiredService<ToolchainRegistry>());
        await using var pipeline = host.Services.GetRequiredService<FactoryPipelineFactory>().Create(b => b.UseWorkspace(workspaces));
        using var worker = new QueueWorker(
            options, queue, store, workspaces, pipeline, ownsPipeline: false, TimeProvider.System, loggers.CreateLogger<QueueWorker>(),
            e => output.WriteLine(Line(e)));
        try
        {
            await worker.PrepareAsync(stop).ConfigureAwait(false);
        }
        catch (QueueUnavailableException exception)
        {
            throw new RunnerException(exception.Message, exception);
        }
        catch (OutcomeStoreUnavailableException exception)
        {
            throw new RunnerException($"{exception.Message}\nCheck --remote {options.Remote}.", exception);
        }

        await EnvironmentPreflight.CheckAsync(host, stop).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"worker {worker.Name}: {options.Slots} slot(s), queue {options.Url} (stream {options.Stream}), remote {options.Remote}, state {state}. SIGTERM or Ctrl-C stops it; requests in flight get {options.DrainTimeout.TotalSeconds:0} s to finish."))
            .ConfigureAwait(false);
        await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (stop.Register(() => stopped.TrySetResult()))
        {
            await Task.WhenAny(worker.ExecuteTask!, stopped.Task).ConfigureAwait(false);
        }

        if (worker.ExecuteTask is { IsFaulted: true } faulted)
        {
            await output.WriteLineAsync($"worker {worker.Name}: failed: {faulted.Exception?.GetBaseException().Message}").ConfigureAwait(false);
            return ExitCodes.NotApproved;
        }

        await output.WriteLineAsync($"worker {worker.Name}: stopping; {worker.InFlight} request(s) in flight.").ConfigureAwait(false);
        using (var drain = new CancellationTokenSource(options.DrainTimeout))
        {
            await worker.StopAsync(drain.Token).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"worker {worker.Name}: stopped.").ConfigureAwait(false);
        return ExitCodes.Approved;
    }

    /// <summary>One progress line per delivery event: "&lt;kind&gt; &lt;id&gt; delivery=&lt;n&gt; [detail]".</summary>
    internal static string Line(QueueWorkerEvent e) =>
        string.Create(CultureInfo.InvariantCulture, $"{e.Kind.ToString().ToLowerInvariant()} {e.RequestId} delivery={e.Delivery}{(e.Detail is null ? "" : " " + Progress.PlainProgressView.FirstLine(e.Detail))}");
}
