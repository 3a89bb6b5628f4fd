using Factory.Dataflow.Tracing;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>Assembles a <see cref="FactoryPipeline"/>: stages, workspace, trace sinks and options.</summary>
public sealed class FactoryPipelineBuilder
{
    private static readonly StageName[] RequiredStages =
    [
        StageName.Plan, StageName.Scout, StageName.Build, StageName.Validate, StageName.Test, StageName.Review,
    ];

    private readonly Dictionary<StageName, IFactoryStage> _stages = [];
    private readonly List<ITraceSink> _traceSinks = [];
    private IWorkspaceProvider? _workspaceProvider;
    private IRequestPreparation? _preparation;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>The options the pipeline will be built with (copied at <see cref="Build"/>).</summary>
    public PipelineOptions Options { get; } = new();

    /// <summary>Puts <paramref name="stage"/> in the slot of <paramref name="name"/>, replacing any earlier one.</summary>
    public FactoryPipelineBuilder Use(StageName name, IFactoryStage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (name == StageName.Workspace)
        {
            throw new ArgumentException("Workspace is not a stage slot; use UseWorkspace for the workspace provider.", nameof(name));
        }

        _stages[name] = stage;
        return this;
    }

    /// <summary>Puts a delegate in the slot of <paramref name="name"/>.</summary>
    public FactoryPipelineBuilder Use(StageName name, Func<StageContext, CancellationToken, ValueTask<StageResult>> stage) =>
        Use(name, new DelegateStage(stage));

    /// <summary>Gives every request its own workspace from <paramref name="provider"/> (created before SCOUT).</summary>
    public FactoryPipelineBuilder UseWorkspace(IWorkspaceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _workspaceProvider = provider;
        return this;
    }

    /// <summary>
    /// Runs <paramref name="preparation"/> once per request, after its workspace is created (then before PLAN rather than
    /// before SCOUT) and before the first model call. Needs <see cref="UseWorkspace"/>.
    /// </summary>
    public FactoryPipelineBuilder UsePreparation(IRequestPreparation preparation)
    {
        ArgumentNullException.ThrowIfNull(preparation);
        _preparation = preparation;
        return this;
    }

    /// <summary>Adds a sink that receives every trace event, besides the trace.jsonl files of <see cref="PipelineOptions.RunsDirectory"/>.</summary>
    public FactoryPipelineBuilder AddTraceSink(ITraceSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _traceSinks.Add(sink);
        return this;
    }

    /// <summary>Changes the options.</summary>
    public FactoryPipelineBuilder Configure(Action<PipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>The clock used for timing, timeouts and trace timestamps.</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>.</value>
    public FactoryPipelineBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Validates everything and builds a running graph.</summary>
    /// <exception cref="InvalidOperationException">A stage is missing or an option is invalid; the message lists every problem.</exception>
    public FactoryPipeline Build()
    {
        var options = Options.Clone();
        var problems = new List<string>(PipelineOptionsValidator.Validate(options));
        foreach (var stage in RequiredStages)
        {
            if (!_stages.ContainsKey(stage))
            {
                problems.Add($"No stage is registered for {stage.ToDisplayName()}: call Use(StageName.{stage}, ...).");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The Factory pipeline cannot be built:\n- " + string.Join("\n- ", problems));
        }

        var sinks = new List<ITraceSink>();
        if (options.RunsDirectory is { } runs)
        {
            sinks.Add(new JsonlTraceSink(runs));
        }

        sinks.AddRange(_traceSinks);
        ITraceSink sink = sinks.Count switch
        {
            0 => NullTraceSink.Instance,
            1 => sinks[0],
            _ => new CompositeTraceSink(sinks),
        };

        return new FactoryPipeline(
            options, new Dictionary<StageName, IFactoryStage>(_stages), _workspaceProvider, _preparation, sink, _timeProvider);
    }
}
