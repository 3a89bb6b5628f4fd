using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Review;

/// <summary>
/// REVIEW: an independent verdict on the diff against the spec (prompt Prompts/review.md), in a fresh conversation
/// that holds the spec and the full diff and nothing else: no brief, no BUILD prompt, no feedback. Approve is
/// <see cref="StageResult.Success"/> with an approving <see cref="ReviewVerdict"/>; reject is a failure with a rejecting
/// one; a reply that cannot be read is a failure with no verdict, never an approval.
/// </summary>
public sealed class ReviewStage : IFactoryStage
{
    private readonly StageChat _chat;
    private readonly ReviewStageOptions _options;

    /// <summary>Creates REVIEW, e.g. <c>new ReviewStage(factory.Create(StageName.Review))</c>.</summary>
    public ReviewStage(StageChat chat, ReviewStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        _chat = chat;
        _options = options ?? new ReviewStageOptions();
        if (_options.MaxDiffChars <= 0)
        {
            throw new ArgumentException($"MaxDiffChars is {_options.MaxDiffChars}; it must be positive.", nameof(options));
        }
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.RequireSpec();
        var diff = await context.RequireWorkspace().GetDiffAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(diff))
        {
            // Nothing to approve: no model is asked to judge an empty change.
            return Reject(context, ["The diff is empty: nothing was built for the spec."]);
        }

        if (diff.Length > _options.MaxDiffChars)
        {
            return StageResult.Failure(
                $"REVIEW cannot judge the change: its diff is {diff.Length} characters, over the {_options.MaxDiffChars} a review " +
                "reads in full (ReviewStageOptions.MaxDiffChars).");
        }

        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Get("review")),
            new(ChatRole.User, $"SPEC:\n{spec.ToMarkdown()}\nDIFF:\n{diff}"),
        ];
        var answer = await _chat.AskJsonAsync(context, messages, ReadVerdict, cancellationToken).ConfigureAwait(false);
        if (!answer.IsOk)
        {
            context.Usage.SetExtra("verdict", "unreadable");
            return StageResult.Failure(answer.Error!);
        }

        var verdict = answer.Value!;
        if (!verdict.Approved)
        {
            return Reject(context, verdict.Reasons);
        }

        context.Usage.SetExtra("verdict", "approve");
        context.Usage.SetExtra("reasons", verdict.Reasons);
        return StageResult.Success(verdict, string.Join("; ", verdict.Reasons));
    }

    /// <summary>Reads REVIEW's contract: <c>{verdict: "approve"|"reject", reasons: [...]}</c>; any other verdict is malformed.</summary>
    internal static ReviewVerdict ReadVerdict(JsonElement reply)
    {
        var verdict = JsonReply.OptionalString(reply, "verdict")?.Trim().ToLowerInvariant();
        var reasons = JsonReply.StringList(reply, "reasons");
        return verdict switch
        {
            "approve" => new ReviewVerdict(true, reasons),
            "reject" => new ReviewVerdict(false, reasons),
            null => throw new ReplyFormatException("\"verdict\" is missing; it must be \"approve\" or \"reject\""),
            _ => throw new ReplyFormatException($"\"verdict\" is \"{verdict}\"; it must be \"approve\" or \"reject\""),
        };
    }

    private static StageResult Reject(StageContext context, IReadOnlyList<string> reasons)
    {
        context.Usage.SetExtra("verdict", "reject");
        context.Usage.SetExtra("reasons", reasons);
        var detail = reasons.Count == 0 ? "REVIEW rejected the change without giving reasons." : string.Join("; ", reasons);
        return StageResult.Failure(detail, new ReviewVerdict(false, reasons));
    }
}
