using System.Text;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Build.Edits;
using Factory.Dataflow.Stages.Build.Views;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Build;

/// <summary>
/// BUILD: spec, SCOUT's brief, the cited files (whole when short, otherwise numbered regions and an outline) and, on a
/// retry, what the request changed so far and the previous failure, to edits (prompt Prompts/build.md, run cold): whole
/// files, or exact passages and their replacements. The edits are applied in memory and the resulting whole files are
/// written only through the workspace's jailed writer. Eval: every written Python file parses, checked by
/// <see cref="ISyntaxChecker"/>. An unreadable reply, a refusal, a passage that matches nothing or more than once, a
/// refused write or a syntax error is a failure whose detail the graph sends back as the next attempt's feedback.
/// The prompt's size goes into the trace as <c>prompt_bytes</c>.
/// </summary>
public sealed class BuildStage : IFactoryStage
{
    private readonly StageChat _chat;
    private readonly ISyntaxChecker _syntaxChecker;
    private readonly BuildStageOptions _options;

    /// <summary>Creates BUILD, e.g. <c>new BuildStage(factory.Create(StageName.Build), pythonSyntaxChecker)</c>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public BuildStage(StageChat chat, ISyntaxChecker syntaxChecker, BuildStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(syntaxChecker);
        _chat = chat;
        _syntaxChecker = syntaxChecker;
        _options = (options ?? new BuildStageOptions()).Validated();
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.RequireSpec();
        var workspace = context.RequireWorkspace();
        var files = new WorktreeFiles(workspace.RootPath);
        CurrentFile Read(string path) => ReadCurrent(files, path);

        // A retry sees what the request has changed so far; the first attempt has changed nothing.
        var changed = context.Feedback is null
            ? []
            : DiffRegions.Parse(await workspace.GetDiffAsync(cancellationToken).ConfigureAwait(false));
        var prompt = new BuildPrompt(_options, Read);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Get("build")),
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
        var python = report.WrittenPaths.Where(p => p.EndsWith(".py", StringComparison.OrdinalIgnoreCase)).ToList();
        if (python.Count > 0 &&
            await _syntaxChecker.CheckAsync(workspace.RootPath, python, cancellationToken).ConfigureAwait(false) is { } syntaxError)
        {
            // The parser's own words, unchanged: they are BUILD's feedback on the next attempt.
            return StageResult.Failure(syntaxError, report.WrittenPaths);
        }

        return StageResult.Success(report.WrittenPaths, $"wrote {string.Join(", ", report.WrittenPaths)}");
    }

    /// <summary>
    /// The one place BUILD reads a worktree file (for its prompt and to apply search/replace edits), through the worktree's
    /// confinement; the read API it calls is the workspace's to change.
    /// </summary>
    private static CurrentFile ReadCurrent(WorktreeFiles files, string path)
    {
        var full = files.Resolve(path, out var problem);
        if (full is null)
        {
            return CurrentFile.Unreadable(problem);
        }

        if (!File.Exists(full))
        {
            return Directory.Exists(full) ? CurrentFile.Unreadable($"'{path}' is a folder, not a file") : CurrentFile.Missing;
        }

        // Read whole: a search/replace edit needs every character. Most files fit the first read.
        const int FirstRead = 64 * 1024;
        var text = ScoutTools.ReadCapped(full, FirstRead, out var total);
        return CurrentFile.Of(total <= text.Length ? text : ScoutTools.ReadCapped(full, checked((int)total), out _));
    }
}
