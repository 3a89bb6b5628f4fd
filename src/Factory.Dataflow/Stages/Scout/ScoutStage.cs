using System.Text;
using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Scout;

/// <summary>
/// SCOUT: reads the worktree with read-only tools (list_files, read_file, grep) and returns a <see cref="ScoutBrief"/>
/// (prompt Prompts/scout.md, run low). Its opening message carries what the worktree toolchain's
/// <see cref="IToolchainDetection"/> found (layout, tests, framework, fixtures), and the brief's framework and test conventions start from those facts, so a small model
/// cannot talk TEST into a framework the project does not use. Eval: it cites at least one file, and every cited file
/// exists or is a new file in a folder that exists. On the graph's retry, the failed eval's reason is in the prompt.
/// </summary>
/// <remarks>
/// The tool loop is explicit rather than M.E.AI's <c>FunctionInvokingChatClient</c>: every model call must pass the
/// request's budget check and be charged to the stage, and the number of rounds is capped; a function-invoking client
/// makes its inner calls out of the stage's sight. The tools are still M.E.AI functions (<see cref="AIFunctionFactory"/>).
/// </remarks>
public sealed class ScoutStage : IFactoryStage
{
    private readonly StageChat _chat;
    private readonly ScoutToolOptions _options;
    private readonly ToolchainRegistry _toolchains;

    /// <summary>Creates SCOUT, e.g. <c>new ScoutStage(factory.Create(StageName.Scout))</c>.</summary>
    /// <param name="chat">SCOUT's model.</param>
    /// <param name="options">The tools' caps; null for the defaults.</param>
    /// <param name="toolchains">Where the worktree's toolchain (what its detection finds) comes from; null for <see cref="ToolchainRegistry.Default"/>.</param>
    public ScoutStage(StageChat chat, ScoutToolOptions? options = null, ToolchainRegistry? toolchains = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        _chat = chat;
        _toolchains = toolchains ?? ToolchainRegistry.Default;
        _options = options ?? new ScoutToolOptions();
        if (_options.MaxToolRounds < 0 || _options.MaxReadChars <= 0 || _options.MaxListEntries <= 0 || _options.MaxGrepMatches <= 0)
        {
            throw new ArgumentException("ScoutToolOptions: MaxToolRounds cannot be negative and the other caps must be positive.", nameof(options));
        }
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.RequireSpec();
        var workspace = context.RequireWorkspace();
        var toolchain = await _toolchains.ForWorktreeAsync(workspace.RootPath, cancellationToken).ConfigureAwait(false);
        var files = new WorktreeFiles(workspace, toolchain.Files);
        var listed = await files.ListAsync("", cancellationToken).ConfigureAwait(false);
        var project = toolchain.Detection.Detect(workspace.RootPath, listed);
        var tools = new ScoutTools(files, _options);
        var functions = tools.AsFunctions();
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, PromptLibrary.Get("scout")),
            new(ChatRole.User, await OpeningMessageAsync(spec, files, project, context.Feedback, cancellationToken).ConfigureAwait(false)),
        };

        var toolCalls = 0;
        var withTools = new ChatOptions { Tools = [.. functions] };
        ChatResponse response;
        for (var round = 0; ; round++)
        {
            if (round == _options.MaxToolRounds)
            {
                // Out of tool rounds: ask for the answer, in JSON mode and without tools.
                messages.Add(new ChatMessage(ChatRole.User, "You have used all your tool calls. Reply now with the JSON brief."));
                response = await _chat.GetResponseAsync(
                    context, messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, cancellationToken).ConfigureAwait(false);
                break;
            }

            response = await _chat.GetResponseAsync(context, messages, withTools, cancellationToken).ConfigureAwait(false);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                break;
            }

            messages.AddRange(response.Messages);
            foreach (var call in calls)
            {
                toolCalls++;
                var result = await InvokeAsync(functions, call, cancellationToken).ConfigureAwait(false);
                messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
            }
        }

        context.Usage.SetExtra("tool_calls", toolCalls);
        var answer = await _chat.ReadWithRepairAsync(context, messages, response, ReadBrief, cancellationToken).ConfigureAwait(false);
        if (!answer.IsOk)
        {
            return StageResult.Failure(answer.Error!);
        }

        var brief = WithProjectFacts(answer.Value!, project);
        context.Usage.SetExtra("framework", brief.Framework);
        var problem = Evaluate(brief, files);
        var detail = JsonSerializer.Serialize(brief, BriefJson);
        return problem is null ? StageResult.Success(brief, detail) : StageResult.Failure(problem, brief);
    }

    /// <summary>Reads SCOUT's contract: <c>{files, conventions, prior_art, regions, framework, test_conventions}</c>.</summary>
    internal static ScoutBrief ReadBrief(JsonElement reply) => new(
        [.. JsonReply.StringList(reply, "files", required: true).Select(f => f.Replace('\\', '/').TrimStart('.', '/'))],
        JsonReply.StringList(reply, "conventions"),
        JsonReply.StringList(reply, "prior_art"))
    {
        // A region the model wrote in another shape is dropped rather than failing the brief: BUILD still sees the file.
        Regions = [.. JsonReply.StringList(reply, "regions").Select(FileRegion.Parse).OfType<FileRegion>()],
        Framework = JsonReply.OptionalString(reply, "framework")?.Trim() is { Length: > 0 } framework ? framework : null,
        TestConventions = JsonReply.StringList(reply, "test_conventions"),
    };

    /// <summary>
    /// The brief with the detector's facts first: its framework when it found one (a FastAPI, Flask or Django the model
    /// names but no file imports is dropped; another name is kept), and its test conventions before the model's.
    /// </summary>
    internal static ScoutBrief WithProjectFacts(ScoutBrief brief, ToolchainProject project)
    {
        var known = new[] { "fastapi", "flask", "django", "none" };
        var framework = project.Framework
            ?? (brief.Framework is { } named && !known.Contains(named.ToLowerInvariant()) ? named : null);
        return brief with
        {
            Framework = framework,
            TestConventions = [.. project.TestConventions.Concat(brief.TestConventions).Distinct(StringComparer.Ordinal)],
        };
    }

    /// <summary>The eval: null when the brief holds, or why it does not. Paths are judged where they really lead, inside the worktree.</summary>
    internal static string? Evaluate(ScoutBrief brief, WorktreeFiles files)
    {
        if (brief.Files.Count == 0)
        {
            return "SCOUT's brief cites no files; name the files BUILD should edit or create.";
        }

        var bad = new List<string>();
        foreach (var path in brief.Files)
        {
            var entry = files.Find(path, out var problem);
            if (entry is null)
            {
                bad.Add($"{path} ({problem})");
            }
            else if (entry.Kind == EntryKind.Folder)
            {
                bad.Add($"{path} (a folder, not a file)");
            }
            else if (entry.Kind == EntryKind.Other)
            {
                bad.Add($"{path} (not a regular file)");
            }
            else if (entry.Kind == EntryKind.Missing && files.Find(ParentOf(path), out _) is not { Kind: EntryKind.Folder })
            {
                bad.Add($"{path} (neither an existing file nor a new file in an existing folder)");
            }
        }

        return bad.Count == 0 ? null : $"SCOUT's brief cites files BUILD cannot use: {string.Join("; ", bad)}.";
    }

    private static string ParentOf(string path)
    {
        var clean = path.Replace('\\', '/').TrimEnd('/');
        var slash = clean.LastIndexOf('/');
        return slash < 0 ? "" : clean[..slash];
    }

    private static readonly JsonSerializerOptions BriefJson = new() { WriteIndented = true };

    private async Task<string> OpeningMessageAsync(Spec spec, WorktreeFiles files, ToolchainProject project, string? feedback, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine("SPEC:").AppendLine(spec.ToMarkdown());
        text.AppendLine("REPOSITORY FILES (relative to the root):");
        var all = await files.ListAsync("", cancellationToken).ConfigureAwait(false);
        var shown = 0;
        var index = 0;
        for (; index < all.Count && shown < _options.MaxOverviewFiles; index++)
        {
            if (await files.IsTextAsync(all[index], cancellationToken).ConfigureAwait(false))
            {
                text.Append("- ").AppendLine(all[index]);
                shown++;
            }
        }

        if (index < all.Count)
        {
            text.Append("- ... (").Append(all.Count - index).AppendLine(" more; use list_files)");
        }

        text.AppendLine().AppendLine("WHAT THE PROJECT'S FILES SHOW (found without running anything):");
        foreach (var line in project.Description)
        {
            text.Append("- ").AppendLine(line);
        }

        if (feedback is not null)
        {
            text.AppendLine().AppendLine("YOUR PREVIOUS BRIEF FAILED ITS CHECK:").AppendLine(feedback).AppendLine("Fix exactly this.");
        }

        return text.ToString();
    }

    private static async Task<string> InvokeAsync(IReadOnlyList<AIFunction> functions, FunctionCallContent call, CancellationToken cancellationToken)
    {
        var function = functions.FirstOrDefault(f => f.Name == call.Name);
        if (function is null)
        {
            return $"error: there is no tool '{call.Name}'; use list_files, read_file or grep";
        }

        try
        {
            var result = await function.InvokeAsync(new AIFunctionArguments(call.Arguments), cancellationToken).ConfigureAwait(false);
            return result switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? "",
                null => "",
                _ => result.ToString() ?? "",
            };
        }
        catch (ArgumentException ex)
        {
            // Missing or mistyped arguments from the model: tell it, so it can call again properly.
            return $"error: bad arguments for {call.Name}: {ex.Message}";
        }
        catch (IOException ex)
        {
            return $"error: {ex.Message}";
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"error: {ex.Message}";
        }
    }
}
