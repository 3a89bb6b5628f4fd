using System.Text;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Build.Edits;
using Factory.Dataflow.Stages.Build.Views;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Build;

/// <summary>
/// BUILD: spec, SCOUT's brief, the cited files (whole when short, otherwise numbered regions and an outline) and, on a
/// retry, what the request changed so far and the previous failure, to edits (prompt Prompts/build.md, run cold): whole
/// files, or exact passages and their replacements. The edits are applied in memory and the resulting whole files are
/// written only through the workspace's jailed writer. Eval: every written source file of the worktree's toolchain
/// (<see cref="IToolchainFiles.IsSource"/>) parses, checked by <see cref="ISyntaxChecker"/>. An unreadable reply, a refusal, a passage that matches nothing or more than once, a
/// refused write or a syntax error is a failure whose detail the graph sends back as the next attempt's feedback.
/// The prompt's size goes into the trace as <c>prompt_bytes</c>.
/// </summary>
public sealed class BuildStage : IFactoryStage
{
    private readonly StageChat _chat;
    private readonly ISyntaxChecker _syntaxChecker;
    private readonly BuildStageOptions _options;
    private readonly ToolchainRegistry _toolchains;

    /// <summary>Creates BUILD, e.g. <c>new BuildStage(factory.Create(StageName.Build), syntaxChecker)</c>.</summary>
    /// <param name="chat">BUILD's chat line.</param>
    /// <param name="syntaxChecker">BUILD's eval, e.g. a <see cref="ToolchainSyntaxChecker"/>.</param>
    /// <param name="options">Prompt limits; null for the defaults.</param>
    /// <param name="toolchains">Where the worktree's toolchain (its language and source files) is found; null for <see cref="ToolchainRegistry.Default"/>.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public BuildStage(StageChat chat, ISyntaxChecker syntaxChecker, BuildStageOptions? options = null, ToolchainRegistry? toolchains = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(syntaxChecker);
        _chat = chat;
        _syntaxChecker = syntaxChecker;
        _options = (options ?? new BuildStageOptions()).Validated();
        _toolchains = toolchains ?? ToolchainRegistry.Default;
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.RequireSpec();
        var workspace = context.RequireWorkspace();
        var toolchain = await _toolchains.ForWorktreeAsync(workspace.RootPath, cancellationToken).ConfigureAwait(false);
        var current = new CurrentFiles(workspace);
        CurrentFile Read(string path) => current.Read(path, cancellationToken);

        // A retry sees what the request has changed so far; the first attempt has changed nothing. The files are the ones
        // git names (-z): a content line that looks like a diff header names none.
        var changed = context.Feedback is null ? [] : await ChangedRegionsAsync(workspace, cancellationToken).ConfigureAwait(false);
        await current.LoadAsync([.. context.Brief?.Files ?? [], .. changed.Select(c => c.Path)], cancellationToken).ConfigureAwait(false);
        var prompt = new BuildPrompt(_options, Read, toolchain.Feedback);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Render("build", ("language", toolchain.Prompts.Language))),
            new(ChatRole.User, prompt.Render(spec, context.Brief, context.Feedback, context.FeedbackFrom, changed)),
        ];
        context.Usage.SetExtra("prompt_bytes", messages.Sum(m => (long)Encoding.UTF8.GetByteCount(m.Text)));
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
        context.Usage.SetExtra("search_replace_edits", edits.Count(e => e is SearchReplaceEdit));
        await current.LoadAsync(edits.Select(e => e.Path.Trim()), cancellationToken).ConfigureAwait(false);
        var applied = EditApplier.Apply(edits, Read, prompt.ShownWhole);
        if (!applied.Ok)
        {
            return StageResult.Failure(applied.Feedback);
        }

        if (applied.Files.Count == 0)
        {
            // On a retry BUILD may stand by its code (a generated test was wrong, say); on the first attempt it has done nothing.
            return context.Feedback is null
                ? StageResult.Failure("BUILD's edits leave every file exactly as it was: nothing was changed. Make the change the specification asks for.")
                : StageResult.Success(Array.Empty<string>(), "BUILD's edits change nothing: the code stays as the previous attempt left it.");
        }

        var report = await workspace.WriteAsync(applied.Files, WriterRole.Build, cancellationToken).ConfigureAwait(false);
        if (!report.Accepted)
        {
            return StageResult.Failure($"BUILD's edits were refused and nothing was written: {report.Rejection}");
        }

        context.Usage.SetExtra("files_written", report.WrittenPaths);
        var sources = report.WrittenPaths.Where(toolchain.Files.IsSource).ToList();
        if (sources.Count > 0 &&
            await _syntaxChecker.CheckAsync(workspace.RootPath, sources, cancellationToken).ConfigureAwait(false) is { } syntaxError)
        {
            // The parser's own words, unchanged: they are BUILD's feedback on the next attempt.
            return StageResult.Failure(syntaxError, report.WrittenPaths);
        }

        return StageResult.Success(report.WrittenPaths, $"wrote {string.Join(", ", report.WrittenPaths)}");
    }

    private static async Task<IReadOnlyList<(string Path, IReadOnlyList<LineRange> Ranges)>> ChangedRegionsAsync(
        IFeatureWorkspace workspace, CancellationToken cancellationToken)
    {
        var paths = (await workspace.GetChangedFilesAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var diff = await workspace.GetDiffAsync(cancellationToken).ConfigureAwait(false);
        return [.. DiffRegions.Parse(diff).Where(c => paths.Contains(c.Path))];
    }
}
