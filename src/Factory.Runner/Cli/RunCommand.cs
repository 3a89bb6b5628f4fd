using System.CommandLine;
using Factory.Dataflow;
using Factory.Dataflow.Hosting.Registration;
using Factory.Runner.Hosting;
using Factory.Runner.Output;
using Factory.Runner.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Runner.Cli;

/// <summary><c>factory run "&lt;request&gt;" --repo &lt;path&gt;</c>: one request, live progress, then a summary.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output)
    {
        var request = new Argument<string>("request") { Description = "What to build, in plain language." };
        var repo = CommonOptions.Repo(required: true);
        var runs = CommonOptions.Runs(required: false);
        var ollama = CommonOptions.Ollama();
        var id = new Option<string?>("--id") { Description = "The request id (names the branch factory/<id>); default: derived from the text." };
        var set = CommonOptions.Set();
        var command = new Command("run", "Run one request through PLAN, SCOUT, BUILD, VALIDATE, TEST and REVIEW.") { request, repo, runs, ollama, id, set };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(() =>
        {
            var text = parse.GetValue(request)!;
            var requestId = parse.GetValue(id);
            var feature = requestId is null ? FeatureRequest.FromText(text) : Request(requestId, text);
            var settings = new RunnerSettings(
                CommonOptions.RequireFolder(parse.GetValue(repo)!, "--repo"), parse.GetValue(runs) ?? "runs", parse.GetValue(ollama),
                Set: CommonOptions.Settings(parse.GetValue(set)));
            return RunAsync(feature, settings, output, cancellationToken);
        }, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(FeatureRequest request, RunnerSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        using var host = await RunnerHost.StartAsync(settings, cancellationToken).ConfigureAwait(false);
        var gates = await EnvironmentPreflight.CheckAsync(host, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(Factory.Dataflow.Reporting.TerminalText.Escape(gates.Describe())).ConfigureAwait(false);
        var options = host.Options();
        var branch = options.Workspace.BranchPrefix + request.Id;
        if (await Git.BranchExistsAsync(options.Workspace.RepositoryPath, branch, cancellationToken).ConfigureAwait(false))
        {
            throw new RunnerException(
                $"The branch {branch} already exists (an earlier run of the same request?). Delete it with 'git branch -D {branch}', or pass --id to name the request differently.");
        }

        FeatureOutcome outcome;
        await using (var view = ProgressViews.Create(output, $"factory run: {request.Id}"))
        {
            var sink = new ProgressTraceSink(view);
            await using var pipeline = host.Services.GetRequiredService<FactoryPipelineFactory>().Create(b => b.AddTraceSink(sink));
            outcome = await pipeline.RunAsync(request, cancellationToken).ConfigureAwait(false);
            view.Finished(outcome);
        }

        await output.WriteLineAsync(OutcomeSummary.Render(outcome)).ConfigureAwait(false);
        return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted
            : outcome.IsApproved ? ExitCodes.Approved
            : outcome.Status == OutcomeStatus.EnvironmentError ? ExitCodes.UsageOrEnvironment
            : ExitCodes.NotApproved;
    }

    private static FeatureRequest Request(string id, string text) =>
        FeatureRequest.ExplainInvalidId(id) is { } why
            ? throw new RunnerException($"--id '{id}' is not usable: {why}.")
            : new FeatureRequest(id, text);
}
