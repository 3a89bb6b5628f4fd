using System.Globalization;
using System.Text;
using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Scout;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.TestWriter;

/// <summary>
/// TEST's model half: spec and changed files to new pytest files (prompt Prompts/test.md, run cold), asked again on
/// every TEST attempt with how the previous one failed. Accepts the contract <c>{path, content}</c> or
/// <c>{"files": [{path, content}]}</c>. A path that is not a new file under one of the repository's test folders
/// (<see cref="GateConfig.TestFolders"/>) is a malformed reply (and gets the repair retry); the TEST stage's jailed
/// writer enforces the same rule again.
/// </summary>
public sealed class ModelTestWriter : ITestWriter
{
    private readonly StageChat _chat;
    private readonly TestWriterOptions _options;

    /// <summary>Creates the writer, e.g. <c>new ModelTestWriter(factory.Create(StageName.Test))</c>.</summary>
    public ModelTestWriter(StageChat chat, TestWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        _chat = chat;
        _options = options ?? new TestWriterOptions();
        if (_options.MaxFileChars < 1 || _options.MaxFeedbackChars < 2)
        {
            throw new ArgumentException("TestWriterOptions.MaxFileChars must be positive and MaxFeedbackChars at least 2.", nameof(options));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ReplyFormatException">The reply could not be read even after the repair retry.</exception>
    public ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken) =>
        WriteTestsAsync(context, changedFiles, previousFailure: null, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ReplyFormatException">The reply could not be read even after the repair retry.</exception>
    public async ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, string? previousFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(changedFiles);
        var spec = context.RequireSpec();
        var root = context.RequireWorkspace().RootPath;
        var files = new WorktreeFiles(root);
        var folders = (await GateConfig.LoadAsync(root, cancellationToken).ConfigureAwait(false)).EffectiveTestFolders;
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Get("test")),
            new(ChatRole.User, UserMessage(spec, changedFiles, files, folders, previousFailure)),
        ];
        var answer = await _chat.AskJsonAsync(context, messages, reply => Read(reply, files, folders), cancellationToken).ConfigureAwait(false);
        if (!answer.IsOk)
        {
            throw new ReplyFormatException(answer.Error!);
        }

        context.Usage.SetExtra("tests_proposed", answer.Value!.Select(e => e.Path).ToList());
        return answer.Value!;
    }

    private static IReadOnlyList<FileEdit> Read(JsonElement reply, WorktreeFiles files, IReadOnlyList<string> folders)
    {
        var edits = reply.TryGetProperty("files", out _)
            ? JsonReply.FileEdits(reply, "files")
            : [JsonReply.FileEdit(reply, "the reply")];
        if (edits.Count == 0)
        {
            throw new ReplyFormatException("\"files\" is empty; write at least one test file");
        }

        foreach (var edit in edits)
        {
            var path = edit.Path.Replace('\\', '/');
            var full = files.Resolve(path, out var problem);
            if (full is null || !folders.Any(folder => path.StartsWith(folder + "/", StringComparison.Ordinal)))
            {
                throw new ReplyFormatException($"\"{edit.Path}\" is not a path under {Describe(folders)}; new tests go there");
            }

            if (File.Exists(full))
            {
                throw new ReplyFormatException($"\"{edit.Path}\" already exists; write a NEW test file with another name");
            }
        }

        return edits;
    }

    private string UserMessage(
        Spec spec, IReadOnlyList<FileEdit> changedFiles, WorktreeFiles files, IReadOnlyList<string> folders, string? previousFailure)
    {
        var text = new StringBuilder();
        text.AppendLine("SPEC:").AppendLine(spec.ToMarkdown());
        text.AppendLine(CultureInfo.InvariantCulture, $"{(folders.Count == 1 ? "TESTS FOLDER" : "TESTS FOLDERS (any of them)")}: {Describe(folders)}");
        var existing = folders.Select(f => files.Resolve(f, out _)).Where(f => f is not null && Directory.Exists(f))
            .SelectMany(f => WorktreeFiles.EnumerateFiles(f!)).ToList();
        if (existing.Count > 0)
        {
            text.AppendLine("EXISTING TEST FILES (do not overwrite; pick a new name):");
            foreach (var file in existing)
            {
                text.Append("- ").AppendLine(files.Relative(file));
            }
        }

        text.AppendLine();
        foreach (var file in changedFiles)
        {
            var content = file.Content.Length > _options.MaxFileChars
                ? file.Content[.._options.MaxFileChars] + $"\n... (cut at {_options.MaxFileChars} of {file.Content.Length} characters)"
                : file.Content;
            text.AppendLine(CultureInfo.InvariantCulture, $"CHANGED FILE {file.Path}:").AppendLine("```").AppendLine(content.TrimEnd('\n'))
                .AppendLine("```").AppendLine();
        }

        if (previousFailure is not null)
        {
            // The code may have changed since; the failure says what the last tests got wrong, or what they found.
            var cap = _options.MaxFeedbackChars;
            var quoted = previousFailure.Length <= cap
                ? previousFailure
                : previousFailure[..(cap / 2)] + "\n... (cut) ...\n" + previousFailure[^(cap / 2)..];
            text.AppendLine("YOUR PREVIOUS TESTS FOR THIS REQUEST FAILED, AND WERE REMOVED. Write new ones; TEST said:")
                .AppendLine("```").AppendLine(quoted.TrimEnd('\n')).AppendLine("```").AppendLine();
        }

        return text.ToString();
    }

    private static string Describe(IReadOnlyList<string> folders) => string.Join(", ", folders.Select(f => f + "/"));
}
