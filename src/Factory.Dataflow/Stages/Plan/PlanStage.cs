using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Toolchains;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Plan;

/// <summary>
/// PLAN: turns the request's text into a <see cref="Spec"/> (prompt Prompts/plan.md, run warm). Eval: the spec has a
/// title and at least one acceptance criterion.
/// </summary>
public sealed class PlanStage : IFactoryStage
{
    private readonly StageChat _chat;
    private readonly string? _project;
    private readonly ToolchainRegistry _toolchains;

    /// <summary>Creates PLAN over its chat line, e.g. <c>new PlanStage(factory.Create(StageName.Plan))</c>.</summary>
    /// <param name="chat">PLAN's chat line.</param>
    /// <param name="project">
    /// One sentence about the target project, e.g. what the worktree toolchain's detection says (<c>IToolchainDetection.Detect</c>), so the criteria fit
    /// it (routes for a web application, functions for a library); null to say nothing about it.
    /// </param>
    /// <param name="toolchains">Where the worktree's toolchain (the language the prompt names) is found; null for <see cref="ToolchainRegistry.Default"/>.</param>
    public PlanStage(StageChat chat, string? project = null, ToolchainRegistry? toolchains = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        _chat = chat;
        _project = string.IsNullOrWhiteSpace(project) ? null : project.Trim();
        _toolchains = toolchains ?? ToolchainRegistry.Default;
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var toolchain = await _toolchains.ForWorktreeAsync(context.Workspace?.RootPath, cancellationToken).ConfigureAwait(false);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Render("plan", ("language", toolchain.Prompts.Language))),
            new(ChatRole.User, _project is null ? $"Feature request:\n{context.Request.Text}" : $"The project: {_project}\n\nFeature request:\n{context.Request.Text}"),
        ];
        var answer = await _chat.AskJsonAsync(context, messages, ReadSpec, cancellationToken).ConfigureAwait(false);
        if (!answer.IsOk)
        {
            return StageResult.Failure(answer.Error!);
        }

        var spec = answer.Value!;
        context.Usage.SetExtra("title", spec.Title);
        if (string.IsNullOrWhiteSpace(spec.Title))
        {
            return StageResult.Failure("PLAN's spec has no title.", spec);
        }

        return spec.AcceptanceCriteria.Count == 0
            ? StageResult.Failure("PLAN's spec has no acceptance criteria.", spec)
            : StageResult.Success(spec, spec.ToMarkdown());
    }

    /// <summary>Reads PLAN's contract: <c>{title, acceptance_criteria, out_of_scope, constraints}</c>.</summary>
    internal static Spec ReadSpec(JsonElement reply)
    {
        var title = JsonReply.OptionalString(reply, "title") ?? throw new ReplyFormatException("\"title\" is missing");
        return new Spec(
            title.Trim(),
            JsonReply.StringList(reply, "acceptance_criteria", required: true),
            JsonReply.StringList(reply, "out_of_scope"),
            JsonReply.StringList(reply, "constraints"));
    }
}
