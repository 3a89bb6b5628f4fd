using System.Globalization;
using System.Text;
using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Build;

/// <summary>
/// BUILD: spec, SCOUT's brief, the cited files' current content and the previous failure's exact text to whole-file
/// edits (prompt Prompts/build.md, run cold), written only through the workspace's jailed writer. Eval: every written
/// Python file parses, checked by <see cref="ISyntaxChecker"/>. An unreadable reply, a refusal, a refused write or a
/// syntax error is a failure whose detail the graph sends back as the next attempt's feedback.
/// </summary>
public sealed class BuildStage : IFactoryStage
{
    private static readonly JsonSerializerOptions BriefJson = new() { WriteIndented = true };
    private readonly StageChat _chat;
    private readonly ISyntaxChecker _syntaxChecker;
    private readonly BuildStageOptions _options;

    /// <summary>Creates BUILD, e.g. <c>new BuildStage(factory.Create(StageName.Build), pythonSyntaxChecker)</c>.</summary>
    public BuildStage(StageChat chat, ISyntaxChecker syntaxChecker, BuildStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(syntaxChecker);
        _chat = chat;
        _syntaxChecker = syntaxChecker;
        _options = options ?? new BuildStageOptions();
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.RequireSpec();
        var workspace = context.RequireWorkspace();
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Get("build")),
            new(ChatRole.User, await UserMessageAsync(spec, context.Brief, workspace, context.Feedback, context.FeedbackFrom, cancellationToken)
                .ConfigureAwait(false)),
        ];
        var answer = await _chat.AskJsonAsync(context, messages, BuildReply.Read, cancellationToken).ConfigureAwait(false);
        if (!answer.IsOk)
        {
            return StageResult.Failure(answer.Error!);
        }

        if (answer.Value!.Refusal is { } refusal)
        {
            return StageResult.Failure($"BUILD refused: {refusal}");
        }

        var edits = answer.Value.Edits;
        var report = await workspace.WriteAsync(edits, WriterRole.Build, cancellationToken).ConfigureAwait(false);
        if (!report.Accepted)
        {
            return StageResult.Failure($"BUILD's edits were refused and nothing was written: {report.Rejection}");
        }

        context.Usage.SetExtra("files_written", report.WrittenPaths);
        var python = report.WrittenPaths.Where(p => p.EndsWith(".py", StringComparison.OrdinalIgnoreCase)).ToList();
        if (python.Count > 0 &&
            await _syntaxChecker.CheckAsync(workspace.RootPath, python, cancellationToken).ConfigureAwait(false) is { } syntaxError)
        {
            // The parser's own words, unchanged: they are BUILD's feedback on the next attempt.
            return StageResult.Failure(syntaxError, report.WrittenPaths);
        }

        return StageResult.Success(report.WrittenPaths, $"wrote {string.Join(", ", report.WrittenPaths)}");
    }

    private async Task<string> UserMessageAsync(
        Spec spec, ScoutBrief? brief, IFeatureWorkspace workspace, string? feedback, StageName? feedbackFrom, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine("SPEC:").AppendLine(spec.ToMarkdown());
        if (brief is not null)
        {
            text.AppendLine("CONVENTIONS BRIEF:").AppendLine(JsonSerializer.Serialize(brief, BriefJson)).AppendLine();
            await AppendCurrentFilesAsync(text, brief.Files, workspace, cancellationToken).ConfigureAwait(false);
        }

        if (feedback is not null)
        {
            var from = feedbackFrom?.ToDisplayName() ?? "a gate";
            text.AppendLine(CultureInfo.InvariantCulture, $"PREVIOUS ATTEMPT FAILED ({from}). The exact error, between the markers:")
                .AppendLine("<<<ERROR")
                .AppendLine(feedback)
                .AppendLine("ERROR>>>")
                .AppendLine("Fix exactly this problem, keep everything else as the spec asks, and reply with the complete files again.");
        }

        return text.ToString();
    }

    /// <summary>Quotes the cited files' current content, read through the workspace's confined, bounded reader.</summary>
    private async Task AppendCurrentFilesAsync(StringBuilder text, IReadOnlyList<string> paths, IFeatureWorkspace workspace, CancellationToken cancellationToken)
    {
        var budget = _options.MaxTotalChars;
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var limit = Math.Min(_options.MaxFileChars, budget);

            // UTF-8 takes at most 4 bytes a character: this many bytes always hold one character more than the limit.
            var maxBytes = (int)Math.Min(int.MaxValue, (limit + 1L) * 4);
            WorkspaceFile file;
            try
            {
                file = await workspace.ReadFileAsync(path, maxBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (ConfinedPathException exception)
            {
                var missing = new WorktreeFiles(workspace).Find(path, out _) is { Kind: EntryKind.Missing };
                text.AppendLine(missing
                    ? $"FILE {path}: does not exist yet (a new file)."
                    : $"FILE {path}: not readable ({exception.Message})").AppendLine();
                continue;
            }

            var content = file.Text;
            if (file.IsBinary || file.IsTruncated || content.Length > limit)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"FILE {path}: {file.Length} bytes, too long (or binary) to quote here; do not replace it whole.")
                    .AppendLine();
                continue;
            }

            budget -= content.Length;
            text.AppendLine(CultureInfo.InvariantCulture, $"CURRENT CONTENT OF {path}:").AppendLine("```").AppendLine(content.TrimEnd('\n'))
                .AppendLine("```").AppendLine();
        }
    }
}
