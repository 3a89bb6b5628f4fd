using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>
/// Everything <see cref="FactoryServiceCollectionExtensions.AddFactoryPipeline(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>
/// composes a pipeline from. Bound from the <c>Factory</c> section: the model settings at its root
/// (<c>Factory:Ollama</c>, <c>Factory:Stages</c>, <c>Factory:Prices</c>), the others in sub-sections
/// (<c>Factory:Pipeline</c>, <c>Factory:Workspace</c>, <c>Factory:Gates</c>, <c>Factory:Sandbox</c>) and
/// <c>Factory:ReplayCassette</c>. Validated when the host starts.
/// </summary>
public sealed class FactoryOptions
{
    /// <summary>The configuration section bound by default.</summary>
    public const string SectionName = "Factory";

    /// <summary>The models, per stage, and the Ollama server.</summary>
    /// <value>Defaults to the defaults of <see cref="ModelOptions"/>.</value>
    public ModelOptions Models { get; set; } = new();

    /// <summary>The graph: per-stage parallelism, capacity and timeout, BUILD budget, runs folder, per-request budget.</summary>
    /// <value>Defaults to the defaults of <see cref="PipelineOptions"/>.</value>
    public PipelineOptions Pipeline { get; set; } = new();

    /// <summary>The repository the requests change (<c>Factory:Workspace:RepositoryPath</c> is required).</summary>
    /// <value>Defaults to the defaults of <see cref="GitWorkspaceOptions"/>, with no repository.</value>
    public GitWorkspaceOptions Workspace { get; set; } = new();

    /// <summary>The gates' interpreter and timeouts.</summary>
    /// <value>Defaults to the defaults of <see cref="GateOptions"/>.</value>
    public GateOptions Gates { get; set; } = new();

    /// <summary>How the gates' tools are sandboxed.</summary>
    /// <value>Defaults to the defaults of <see cref="SandboxOptions"/>.</value>
    public SandboxOptions Sandbox { get; set; } = new();

    /// <summary>
    /// A cassette (see <see cref="Chat.Cassettes.ReplayChatClient"/>) whose recorded replies the stages get instead of
    /// asking Ollama; every reply is then labelled <c>replay:</c> in the traces.
    /// </summary>
    /// <value>Defaults to null: the stages ask the Ollama server of <see cref="ModelOptions.Ollama"/>.</value>
    public string? ReplayCassette { get; set; }
}
