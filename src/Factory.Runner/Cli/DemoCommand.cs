using System.CommandLine;
using Factory.Dataflow;
using Factory.Dataflow.Hosting.Registration;
using Factory.Dataflow.Reporting;
using Factory.Runner.Demo;
using Factory.Runner.Hosting;
using Factory.Runner.Output;
using Factory.Runner.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Runner.Cli;

/// <summary>
/// <c>factory demo</c>: the sample app in a temporary git repository and two requests through the real stages and gates,
/// on model replies replayed from the cassette shipped with the tool (or live with <c>--ollama</c>): one needs a second
/// BUILD after a mypy failure and is approved, the other adds a route nobody asked for and is rejected by REVIEW.
/// Then the report.
/// </summary>
internal static class DemoCommand
{
    public const string CassetteFileName = "cassette.json";

    private static readonly FeatureRequest[] Requests =
    [
        new("demo-version", "add a GET /version endpoint returning status ok"),
        new("demo-stats", "add a GET /stats endpoint returning status ok"),
    ];

    public static Command Create(TextWriter output)
    {
        var ollama = CommonOptions.Ollama();
        var record = new Option<string?>("--record") { Description = "With --ollama: record every model call into this cassette.", Hidden = true };
        var set = CommonOptions.Set();
        var command = new Command("demo", "Copy the sample app to a temporary git repository and run two requests on replayed model replies (live with --ollama).")
        {
            ollama, record, set,
        };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(
            () => RunAsync(parse.GetValue(ollama), parse.GetValue(record), CommonOptions.Settings(parse.GetValue(set)), output, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? ollama, string? record, IReadOnlyList<KeyValuePair<string, string?>> set, TextWriter output, CancellationToken cancellationToken)
    {
        if (record is not null && ollama is null)
        {
            throw new RunnerException("--record needs --ollama: only live replies can be recorded.");
        }

        var cassette = Path.Combine(DemoRepository.AssetsDirectory, CassetteFileName);
        if (ollama is null && !File.Exists(cassette))
        {
            throw new RunnerException($"The demo's recorded replies are missing at {cassette}; rebuild the tool, or run it live with --ollama <url>.");
        }

        var demo = await DemoRepository.CreateAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(ollama is null
            ? $"REPLAY: no model server is used. The model replies are replayed from a recording ({cassette}); the git worktrees, ruff, mypy and pytest are real.\n" +
              "Run 'factory demo --ollama http://localhost:11434' to ask a live Ollama instead."
            : $"LIVE: the model replies come from the Ollama server at {ollama}.").ConfigureAwait(false);
        await output.WriteLineAsync($"The sample app is in {demo.Checkout} (a temporary git repository, kept for you to inspect).\n").ConfigureAwait(false);

        var settings = new RunnerSettings(
            demo.Checkout, demo.Runs, ollama, ollama is null ? cassette : null, demo.State, record is null ? null : Path.GetFullPath(record), set);
        using var host = await RunnerHost.StartAsync(settings, cancellationToken).ConfigureAwait(false);
        await EnvironmentPreflight.CheckAsync(host, cancellationToken).ConfigureAwait(false);

        FeatureOutcome[] outcomes;
        await using (var view = ProgressViews.Create(output, "factory demo"))
        {
            var sink = new ProgressTraceSink(view);
            await using var pipeline = host.Services.GetRequiredService<FactoryPipelineFactory>().Create(b => b.AddTraceSink(sink));
            outcomes = await Task.WhenAll(Requests.Select(async request =>
            {
                var outcome = await pipeline.RunAsync(request, cancellationToken).ConfigureAwait(false);
                view.Finished(outcome);
                return outcome;
            })).ConfigureAwait(false);
        }

        foreach (var outcome in outcomes)
        {
            await output.WriteLineAsync("\n== " + TerminalText.Line($"{outcome.Request.Id}: {outcome.Request.Text}")).ConfigureAwait(false);
            await output.WriteLineAsync(OutcomeSummary.Render(outcome)).ConfigureAwait(false);
        }

        await ReportCommand.WriteAsync(demo.Runs, Path.Combine(demo.Runs, "report.html"), output, CancellationToken.None).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }

        // The demo shows one approval and one rejection; anything else means the demo itself did not work.
        var expected = outcomes[0].Status == OutcomeStatus.Approved && outcomes[0].BuildAttempts == 2 && outcomes[1].Status == OutcomeStatus.Rejected;
        await output.WriteLineAsync(expected
            ? "\nDemo complete: demo-version was approved after a second BUILD (mypy caught a type error), demo-stats was rejected by REVIEW (an unrequested route)."
            : "\nThe demo did not end as designed (expected: demo-version approved after 2 BUILD attempts, demo-stats rejected).").ConfigureAwait(false);
        return expected ? ExitCodes.Approved : ExitCodes.NotApproved;
    }
}
