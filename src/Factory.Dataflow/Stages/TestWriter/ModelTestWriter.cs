using System.Globalization;
using System.Text;
using System.Text.Json;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Build.Edits;
using Factory.Dataflow.Stages.Build.Views;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.TestWriter;

/// <summary>
/// TEST's model half: spec and changed files to new test files (prompt Prompts/test.md, run cold), in the words of the
/// worktree's toolchain (<see cref="IToolchainPrompts"/>). The prompt says how tests reach the code for the project's framework (SCOUT's brief, else the toolchain's <see cref="IToolchainDetection"/>) and names no
/// framework the project does not use; it lists the conftest fixtures with their signatures, shows one existing test
/// module as the example to follow, and shows long changed files as their changed regions. It is asked again on every
/// TEST attempt, told how the previous one failed. Accepts the contract <c>{path, content}</c> or
/// <c>{"files": [{path, content}]}</c>. A path that is not a new file under one of the repository's test folders
/// (<see cref="GateConfig.TestFolders"/>) is a malformed reply (and gets the repair retry); the TEST stage's jailed
/// writer enforces the same rule again.
/// </summary>
public sealed class ModelTestWriter : ITestWriter
{
    private readonly StageChat _chat;
    private readonly TestWriterOptions _options;
    private readonly ToolchainRegistry _toolchains;

    /// <summary>Creates the writer, e.g. <c>new ModelTestWriter(factory.Create(StageName.Test))</c>.</summary>
    /// <param name="chat">TEST's chat line.</param>
    /// <param name="options">Prompt limits; null for the defaults.</param>
    /// <param name="toolchains">Where the worktree's toolchain (the words the prompt uses) is found; null for <see cref="ToolchainRegistry.Default"/>.</param>
    public ModelTestWriter(StageChat chat, TestWriterOptions? options = null, ToolchainRegistry? toolchains = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        _chat = chat;
        _toolchains = toolchains ?? ToolchainRegistry.Default;
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
        var workspace = context.RequireWorkspace();
        var config = await GateConfigResolver.LoadAsync(workspace.RootPath, _toolchains, cancellationToken).ConfigureAwait(false);
        var folders = config.EffectiveTestFolders;
        var toolchain = _toolchains.For(config);
        var words = toolchain.Prompts;
        var files = new WorktreeFiles(workspace, toolchain.Files);
        var project = toolchain.Detection.Detect(workspace.RootPath, await files.ListAsync("", cancellationToken).ConfigureAwait(false));
        var framework = context.Brief?.Framework ?? project.Framework;
        var changed = changedFiles.Any(f => f.Content.Length > _options.MaxFileChars)
            ? DiffRegions.Parse(await workspace.GetDiffAsync(cancellationToken).ConfigureAwait(false))
            : [];
        var example = project.ExampleTest is { } examplePath ? await ReadTextAsync(files, examplePath, cancellationToken).ConfigureAwait(false) : null;
        List<ChatMessage> messages =
        [
            new(ChatRole.System, PromptLibrary.Render(
                "test",
                ("reach", words.TestReach(framework)),
                ("framework", words.TestFramework),
                ("fixtures", words.FixtureFiles),
                ("example", words.ExampleTestPath))),
            new(ChatRole.User, await UserMessageAsync(
                spec, context.Brief, project, example, changedFiles, changed, files, folders, words, toolchain.Feedback, previousFailure, cancellationToken)
                .ConfigureAwait(false)),
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
            var path = WorktreeFiles.Clean(edit.Path, out _);
            var entry = path is null ? null : files.Find(path, out _);

            // Both the path asked for and where it really leads must be inside a test folder (a link counts where it leads).
            if (entry is null || !folders.Any(folder => path!.StartsWith(folder + "/", StringComparison.Ordinal) &&
                    entry.Path.StartsWith(folder + "/", StringComparison.Ordinal)))
            {
                throw new ReplyFormatException($"\"{edit.Path}\" is not a path under {Describe(folders)}; new tests go there");
            }

            if (entry.Kind != EntryKind.Missing)
            {
                throw new ReplyFormatException($"\"{edit.Path}\" already exists; write a NEW test file with another name");
            }
        }

        return edits;
    }

    private async Task<string> UserMessageAsync(
        Spec spec,
        ScoutBrief? brief,
        ToolchainProject project,
        string? exampleText,
        IReadOnlyList<FileEdit> changedFiles,
        IReadOnlyList<(string Path, IReadOnlyList<LineRange> Ranges)> changed,
        WorktreeFiles files,
        IReadOnlyList<string> folders,
        IToolchainPrompts words,
        IToolchainFeedback language,
        string? previousFailure,
        CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine("SPEC:").AppendLine(spec.ToMarkdown());
        text.AppendLine(CultureInfo.InvariantCulture, $"{(folders.Count == 1 ? "TESTS FOLDER" : "TESTS FOLDERS (any of them)")}: {Describe(folders)}");
        var existingTests = new List<string>();
        foreach (var folder in folders)
        {
            existingTests.AddRange(await files.ListAsync(folder, cancellationToken).ConfigureAwait(false));
        }

        if (existingTests.Count > 0)
        {
            text.AppendLine("EXISTING TEST FILES (do not overwrite; pick a new name):");
            foreach (var existing in existingTests)
            {
                text.Append("- ").AppendLine(existing);
            }
        }

        var conventions = brief?.TestConventions is { Count: > 0 } fromScout ? fromScout : project.TestConventions;
        AppendList(text, "TEST CONVENTIONS:", conventions);
        AppendList(text, $"FIXTURES FROM {words.FixtureFiles} (name one as a test function parameter to use it):",
            project.Fixtures);
        AppendList(text, "AUTOUSE FIXTURES (every test gets these without asking):", project.AutouseFixtures);
        if (project.ExampleTest is { } example && exampleText is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"EXAMPLE TEST MODULE {example} (write the new tests the way this one is written):")
                .AppendLine("```").AppendLine(exampleText.TrimEnd('\n')).AppendLine("```");
        }

        text.AppendLine();
        foreach (var file in changedFiles)
        {
            var regions = changed.FirstOrDefault(c => c.Path == file.Path).Ranges;
            if (file.Content.Length > _options.MaxFileChars && regions is { Count: > 0 })
            {
                // A long file is shown where it changed, with line numbers, rather than cut off at an arbitrary point.
                var source = new SourceText(file.Content);
                var widened = regions.Select(r => r.Widen(3, source.LineCount)).ToList();
                text.Append(FileViews.Partial(file.Path, source, widened, "changed in the regions shown", _options.MaxFileChars, language, advice: ""));
                continue;
            }

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

    private static void AppendList(StringBuilder text, string heading, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine(heading);
        foreach (var item in list)
        {
            text.Append("- ").AppendLine(item);
        }
    }

    /// <summary>The one place the writer reads a worktree file for its prompt (the example test): the workspace's confined, bounded reader.</summary>
    private static async Task<string?> ReadTextAsync(WorktreeFiles files, string path, CancellationToken cancellationToken)
    {
        const int MaxExampleChars = 6_000;
        WorkspaceFile file;
        try
        {
            // UTF-8 takes at most 4 bytes a character.
            file = await files.ReadAsync(path, MaxExampleChars * 4, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfinedPathException)
        {
            return null;
        }

        if (file.IsBinary)
        {
            return null;
        }

        var text = file.Text;
        return text.Length > MaxExampleChars || file.IsTruncated
            ? $"{text[..Math.Min(text.Length, MaxExampleChars)]}\n... (cut at {MaxExampleChars} characters of a {file.Length}-byte file)"
            : text;
    }
}
