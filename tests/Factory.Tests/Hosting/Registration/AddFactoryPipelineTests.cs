using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Hosting.Registration;
using Factory.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Factory.Tests.Hosting.Registration;

public sealed class AddFactoryPipelineTests
{
    [Fact]
    public void The_options_bind_from_the_Factory_section_with_the_models_at_its_root()
    {
        var configuration = Configuration(new()
        {
            ["Factory:Ollama:BaseUrl"] = "http://models:11434",
            ["Factory:Stages:Build:Model"] = "coder:13b",
            ["Factory:Pipeline:BuildBudget"] = "5",
            ["Factory:Pipeline:Build:MaxDegreeOfParallelism"] = "3",
            ["Factory:Workspace:RepositoryPath"] = Path.GetTempPath(),
            ["Factory:Gates:TestTimeout"] = "00:01:00",
            ["Factory:Sandbox:AllowedExecutables:0"] = "/usr/bin/python3",
            ["Factory:ReplayCassette"] = DemoCassette(),
        });
        var services = new ServiceCollection();
        services.AddFactoryPipeline(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<FactoryOptions>>().CurrentValue;

        Assert.Equal("http://models:11434", options.Models.Ollama.BaseUrl);
        Assert.Equal("coder:13b", options.Models.Stages.Build.Model);
        Assert.Equal("qwen2.5:3b", options.Models.Stages.Plan.Model);
        Assert.Equal(5, options.Pipeline.BuildBudget);
        Assert.Equal(3, options.Pipeline.Build.MaxDegreeOfParallelism);
        Assert.Equal(Path.GetTempPath(), options.Workspace.RepositoryPath);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Gates.TestTimeout);
        Assert.Equal(["/usr/bin/python3"], options.Sandbox.AllowedExecutables);
        Assert.Equal(DemoCassette(), options.ReplayCassette);
    }

    [Fact]
    public async Task A_host_does_not_start_with_invalid_options_and_names_every_problem()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Factory:Stages:Review:Temperature"] = "9",
            ["Factory:Pipeline:BuildBudget"] = "0",
        });
        builder.Services.AddFactoryPipeline(builder.Configuration);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, f => f.Contains("Factory:Stages:Review:Temperature is 9", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("RepositoryPath is required", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("BuildBudget", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_model_stage_has_a_chat_line_keyed_by_its_stage_name()
    {
        var services = new ServiceCollection();
        services.AddFactoryPipeline(o =>
        {
            o.ReplayCassette = DemoCassette();
            o.Workspace.RepositoryPath = Path.GetTempPath();
            o.Models.Stages.Review.Model = "reviewer:1b";
        });
        using var provider = services.BuildServiceProvider();

        Assert.Equal("reviewer:1b", provider.GetRequiredKeyedService<StageChat>(StageName.Review).Options.Model);
        Assert.Equal("qwen2.5-coder:7b", provider.GetRequiredKeyedService<StageChat>(StageName.Build).Options.Model);
        Assert.Null(provider.GetKeyedService<StageChat>(StageName.Validate));
    }

    [Fact]
    public async Task A_host_runs_a_request_end_to_end_on_replayed_replies_with_a_replaced_stage_and_chat_middleware()
    {
        using var repo = SampleRepo.Create();
        var calls = 0;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddFactoryPipeline(o =>
            {
                o.ReplayCassette = DemoCassette();
                o.Workspace.RepositoryPath = repo.CheckoutPath;
                o.Workspace.StateDirectory = repo.StatePath;
                o.Pipeline.RunsDirectory = repo.RunsPath;
            })
            .ConfigureChatClient((_, chat) => chat.Use(async (messages, options, next, cancellationToken) =>
            {
                Interlocked.Increment(ref calls);
                await next(messages, options, cancellationToken);
            }))
            .UseStage(StageName.Review, _ => new DelegateStage((_, _) =>
                ValueTask.FromResult(StageResult.Success(new ReviewVerdict(true, ["a lenient reviewer of our own"])))));
        using var host = builder.Build();
        await host.StartAsync();

        // The recorded demo request whose diff the built-in REVIEW rejects: the custom reviewer approves it.
        var outcome = await host.Services.GetRequiredService<FactoryPipeline>()
            .RunAsync(new FeatureRequest("demo-stats", "add a GET /stats endpoint returning status ok"));
        await host.StopAsync();

        Assert.True(outcome.IsApproved, outcome.Reason);
        Assert.Equal("factory/demo-stats", outcome.Branch);
        Assert.StartsWith("qwen2.5:3b@replay:", outcome.Stages[0].ServedBy);
        Assert.Equal(4, calls);
    }

    private static string DemoCassette() => Path.Combine(SampleRepo.RepositoryRoot(), "samples", "demo", "cassette.json");

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
