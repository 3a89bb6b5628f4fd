using System.Globalization;
using System.Text;
using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.TestWriter;

/// <summary>
/// TEST's model half: spec and changed files to new pytest files (prompt Prompts/test.md, run cold). Accepts the
/// contract <c>{path, content}</c> or <c>{"files": [{path, content}]}</c>. A path that is not a new file under the test
/// folder is a malformed reply (and gets the repair retry); the TEST stage's jailed writer enforces the same rule again.
/// </summary>
public sealed class ModelTestWriter : ITestWriter
{
    private readonly StageChat _chat;
    private readonly TestWriterOptions _options;
    private readonly string _folder;

    /// <summary>Creates the writer, e.g. <c>new ModelTestWriter(factory.Create(StageName.Test))</c>.</summary>
    public ModelTestWriter(StageChat chat, TestWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        _chat = chat;
        _options = options ?? new TestWriterOptions();
        _folder = _options.TestFolder.Replace('\\', '/').Trim('/');
        if (_folder.Length == 0 || _folder.Split('/').Contains(".."))
        {
            throw new ArgumentException($"TestFolder '{_options.TestFolder}' must be a folder inside the repository.", nameof(options));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ReplyFormatException">The reply could not be read even after the repair retry.</exception>
    public async ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(changedFiles);
        var spec = context.RequireSpec();
        var files = new WorktreeFiles(context.RequireWorkspace());
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Get("test")),
            new(ChatRole.User, await UserMessageAsync(spec, changedFiles, files, cancellationToken).ConfigureAwait(false)),
        ];
        var answer = await _chat.AskJsonAsync(context, messages, reply => Read(reply, files), cancellationToken).ConfigureAwait(false);
        if (!answer.IsOk)
        {
            throw new ReplyFormatException(answer.Error!);
        }

        context.Usage.SetExtra("tests_proposed", answer.Value!.Select(e => e.Path).ToList());
        return answer.Value!;
    }

    private IReadOnlyList<FileEdit> Read(JsonElement reply, WorktreeFiles files)
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
            var path = WorktreeFiles.Clean(edit.Path, out _);
            var entry = path is null ? null : files.Find(path, out _);
            if (entry is null || !path!.StartsWith(_folder + "/", StringComparison.Ordinal) || !entry.Path.StartsWith(_folder + "/", StringComparison.Ordinal))
            {
                throw new ReplyFormatException($"\"{edit.Path}\" is not a path under {_folder}/; new tests go there");
            }

            if (entry.Kind != EntryKind.Missing)
            {
                throw new ReplyFormatException($"\"{edit.Path}\" already exists; write a NEW test file with another name");
            }
        }

        return edits;
    }

    private async Task<string> UserMessageAsync(Spec spec, IReadOnlyList<FileEdit> changedFiles, WorktreeFiles files, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine("SPEC:").AppendLine(spec.ToMarkdown());
        text.AppendLine(CultureInfo.InvariantCulture, $"TESTS FOLDER: {_folder}/");
        var existingTests = await files.ListAsync(_folder, cancellationToken).ConfigureAwait(false);
        if (existingTests.Count > 0)
        {
            text.AppendLine("EXISTING TEST FILES (do not overwrite; pick a new name):");
            foreach (var existing in existingTests)
            {
                text.Append("- ").AppendLine(existing);
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

        return text.ToString();
    }
}
