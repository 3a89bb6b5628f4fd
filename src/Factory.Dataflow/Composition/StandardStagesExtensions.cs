using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Stages.Build;
using Factory.Dataflow.Stages.Plan;
using Factory.Dataflow.Stages.Review;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Stages.TestWriter;
using Factory.Dataflow.Toolchains;

namespace Factory.Dataflow.Composition;

/// <summary>
/// Puts the built-in stages (models over <see cref="StageChatFactory"/>, gates in the sandbox) into a builder; what is
/// language-specific comes from the toolchain each repository's gate configuration names.
/// </summary>
public static class StandardStagesExtensions
{
    /// <summary>
    /// Registers PLAN, SCOUT, BUILD, TEST's test writer and REVIEW over <paramref name="chats"/>, and VALIDATE, TEST,
    /// BUILD's syntax check and the base commit's gate baseline (prepared before PLAN) over <paramref name="runner"/>,
    /// each the one of the toolchain the worktree's gate configuration names. Each model stage's graph timeout is raised, when needed, to
    /// cover its per-call timeout times every retry it may make, so the graph never cuts a retry short.
    /// Replace any of them afterwards with <see cref="FactoryPipelineBuilder.Use(StageName, IFactoryStage)"/>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="chats">The model stages' chat lines.</param>
    /// <param name="models">The models' options (their timeouts and retries raise the stages' timeouts).</param>
    /// <param name="runner">The sandbox the gates and the syntax check run in.</param>
    /// <param name="gates">The gates' options.</param>
    /// <param name="toolchains">
    /// The toolchains a repository's gate configuration may name (<see cref="GateConfig.Toolchain"/>); null for
    /// <see cref="ToolchainRegistry.Default"/> (Python).
    /// </param>
    public static FactoryPipelineBuilder UseStandardStages(
        this FactoryPipelineBuilder builder,
        StageChatFactory chats,
        ModelOptions models,
        SandboxedRunner runner,
        GateOptions gates,
        ToolchainRegistry? toolchains = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(chats);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(gates);

        toolchains ??= ToolchainRegistry.Default;
        var syntax = new ToolchainSyntaxChecker(toolchains, runner, gates);
        var gateSet = new ToolchainGateSet(toolchains, new ModelTestWriter(chats.Create(StageName.Test), toolchains: toolchains), runner, gates);
        builder
            .Use(StageName.Plan, new PlanStage(chats.Create(StageName.Plan), toolchains: toolchains))
            .Use(StageName.Scout, new ScoutStage(chats.Create(StageName.Scout), toolchains: toolchains))
            .Use(StageName.Build, new BuildStage(chats.Create(StageName.Build), syntax, toolchains: toolchains))
            .Use(StageName.Validate, gateSet.Stage(g => g.Validate))
            .Use(StageName.Test, gateSet.Stage(g => g.Test))
            .Use(StageName.Review, new ReviewStage(chats.Create(StageName.Review)))
            .UsePreparation(gateSet.Baseline());

        return builder.Configure(options =>
        {
            foreach (var stage in new[] { StageName.Plan, StageName.Scout, StageName.Build, StageName.Review })
            {
                Cover(options.For(stage), WorstCase(models.Stages.For(stage), calls: stage == StageName.Scout ? 8 : 2));
            }

            // TEST runs pytest twice at most (the suite, then the new tests on the base commit) and asks the model once
            // (plus its repair).
            Cover(options.Test, gates.TestTimeout * 2 + WorstCase(models.Stages.Test, calls: 2));
            Cover(options.Validate, gates.ValidateTimeout + TimeSpan.FromMinutes(1));
        });
    }

    /// <summary>How long a stage's model calls may take in all: each call with every transport retry and its backoff.</summary>
    private static TimeSpan WorstCase(StageModelOptions model, int calls)
    {
        var perCall = model.Timeout * (model.TransportRetries + 1) + TimeSpan.FromSeconds(30) * model.TransportRetries;
        return perCall * calls;
    }

    private static void Cover(StageOptions options, TimeSpan needed)
    {
        if (options.Timeout != Timeout.InfiniteTimeSpan && options.Timeout < needed)
        {
            options.Timeout = needed;
        }
    }
}
