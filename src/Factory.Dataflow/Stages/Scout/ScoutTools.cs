using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Scout;

/// <summary>
/// SCOUT's read-only tools over one workspace: list a folder, read a file (bounded; a large file is summarised by its
/// top-level definitions, and a region can be read by line), grep. Every read goes through the workspace's
/// kernel-confined reader (<see cref="WorktreeFiles"/>); a refused path or a bad pattern comes back as an
/// "error: ..." text the model can act on.
/// </summary>
internal sealed partial class ScoutTools
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
    private readonly WorktreeFiles _files;
    private readonly ScoutToolOptions _options;

    public ScoutTools(WorktreeFiles files, ScoutToolOptions options)
    {
        _files = files;
        _options = options;
    }

    /// <summary>The tools as M.E.AI functions, for <see cref="ChatOptions.Tools"/>.</summary>
    public IReadOnlyList<AIFunction> AsFunctions() =>
    [
        AIFunctionFactory.Create(ListFiles, "list_files", "Lists the source files and folders in a folder of the repository."),
        AIFunctionFactory.Create(ReadFile, "read_file",
            "Reads a text file of the repository. A long file comes back as its top-level definitions with line numbers; " +
            "then read the part you need with start_line."),
        AIFunctionFactory.Create(Grep, "grep", "Finds lines matching a regular expression in the repository's files."),
    ];

    public async Task<string> ListFiles(
        [Description("Folder path relative to the repository root; \".\" for the root.")] string path = ".",
        CancellationToken cancellationToken = default)
    {
        if (FolderOf(path, out var problem) is not { } folder)
        {
            return $"error: {problem}";
        }

        var prefix = folder.Length == 0 ? "" : folder + "/";
        var entries = new SortedSet<string>(StringComparer.Ordinal);
        var files = await _files.ListAsync(folder, cancellationToken).ConfigureAwait(false);
        foreach (var file in files)
        {
            var rest = file[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            entries.Add(slash < 0 ? rest : rest[..(slash + 1)]);
        }

        if (entries.Count == 0)
        {
            return _files.Find(folder, out _) is { Kind: EntryKind.File } ? $"error: '{path}' is a file, not a folder" : $"error: '{path}' is not a folder of the repository";
        }

        var shown = new List<string>();
        foreach (var entry in entries)
        {
            if (shown.Count == _options.MaxListEntries)
            {
                break;
            }

            if (entry.EndsWith('/') || await _files.IsTextAsync(prefix + entry, cancellationToken).ConfigureAwait(false))
            {
                shown.Add(entry);
            }
        }

        var text = string.Join("\n", shown);
        return entries.Count > shown.Count ? $"{text}\n... ({entries.Count - shown.Count} more not shown)" : text;
    }

    public async Task<string> ReadFile(
        [Description("File path relative to the repository root.")] string path,
        [Description("For a long file: the first line to read (1-based); 0 or absent for the whole file or its outline.")] int startLine = 0,
        CancellationToken cancellationToken = default)
    {
        WorkspaceFile file;
        try
        {
            file = await _files.ReadAsync(path, (int)Math.Min(int.MaxValue, _options.MaxFileBytes), cancellationToken).ConfigureAwait(false);
        }
        catch (ConfinedPathException exception)
        {
            return $"error: {exception.Message}";
        }

        if (file.IsBinary)
        {
            return $"error: '{path}' is a binary file";
        }

        var text = file.Text;
        var note = file.IsTruncated ? $" (only its first {file.Content.Length} of {file.Length} bytes were read)" : "";
        if (startLine > 0)
        {
            return Region(text, startLine, _options.MaxReadChars) + note;
        }

        if (text.Length <= _options.MaxReadChars && !file.IsTruncated)
        {
            return text;
        }

        var outline = Outline(text, _options.MaxReadChars);
        return outline ?? $"{text[..Math.Min(text.Length, _options.MaxReadChars)]}\n... (cut at {_options.MaxReadChars} of {text.Length} characters{note}; read_file with start_line reads further)";
    }

    public async Task<string> Grep(
        [Description("A regular expression (.NET syntax) to find in each line.")] string pattern,
        [Description("Folder path relative to the repository root to search; \".\" for all.")] string path = ".",
        CancellationToken cancellationToken = default)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            return $"error: the pattern is not a valid regular expression: {ex.Message}";
        }

        if (FolderOf(path, out var problem) is not { } folder)
        {
            return $"error: {problem}";
        }

        var files = await _files.ListAsync(folder, cancellationToken).ConfigureAwait(false);
        if (files.Count == 0)
        {
            files = _files.Find(folder, out _) is { Kind: EntryKind.File } ? [folder] : [];
        }

        if (files.Count == 0)
        {
            return $"error: '{path}' does not exist";
        }

        var matches = new StringBuilder();
        var count = 0;
        try
        {
            foreach (var relative in files)
            {
                WorkspaceFile file;
                try
                {
                    file = await _files.ReadAsync(relative, (int)Math.Min(int.MaxValue, _options.MaxFileBytes), cancellationToken).ConfigureAwait(false);
                }
                catch (ConfinedPathException)
                {
                    continue;
                }

                if (file.IsBinary || file.IsTruncated)
                {
                    continue;
                }

                var lineNumber = 0;
                foreach (var line in file.Text.Split('\n'))
                {
                    lineNumber++;
                    if (!regex.IsMatch(line))
                    {
                        continue;
                    }

                    if (++count > _options.MaxGrepMatches)
                    {
                        return matches.Append("... (more matches not shown)").ToString();
                    }

                    var shown = line.TrimEnd('\r');
                    matches.Append(relative).Append(':').Append(lineNumber).Append(": ")
                        .AppendLine(shown.Length > 200 ? shown[..200] + "..." : shown);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return "error: the pattern took too long to match; use a simpler one";
        }

        return count == 0 ? "(no matches)" : matches.ToString().TrimEnd();
    }

    /// <summary>
    /// A long file's top-level definitions (class and def lines at column 0, with their line numbers), or null when it
    /// has none; what a reader needs to ask for the right region instead of a blind cut.
    /// </summary>
    internal static string? Outline(string text, int maxChars)
    {
        var lines = text.Split('\n');
        var outline = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"(long file: {text.Length} characters, {lines.Length} lines; its top-level definitions, by line number.")
            .AppendLine(" Read a region with read_file and start_line.)");
        var found = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (!Definition().IsMatch(lines[i]))
            {
                continue;
            }

            var entry = $"{i + 1}: {lines[i].TrimEnd('\r')}";
            if (outline.Length + entry.Length + 1 > maxChars)
            {
                outline.AppendLine("... (more definitions not shown)");
                break;
            }

            outline.AppendLine(entry);
            found++;
        }

        return found == 0 ? null : outline.ToString().TrimEnd();
    }

    private static string Region(string text, int startLine, int maxChars)
    {
        var lines = text.Split('\n');
        if (startLine > lines.Length)
        {
            return $"error: the file has {lines.Length} lines; start_line {startLine} is past its end";
        }

        var region = new StringBuilder();
        var last = startLine - 1;
        for (; last < lines.Length && region.Length + lines[last].Length + 1 <= maxChars; last++)
        {
            region.Append(lines[last]).Append('\n');
        }

        return $"(lines {startLine}-{last} of {lines.Length})\n{region.ToString().TrimEnd('\n')}";
    }

    private string? FolderOf(string path, out string problem)
    {
        var folder = WorktreeFiles.Clean(path, out problem);
        if (folder is null || folder.Length == 0)
        {
            return folder;
        }

        // A folder reached through a link is listed where it really is, and only when that is inside the worktree.
        var entry = _files.Find(folder, out problem);
        return entry is null ? null : entry.Kind == EntryKind.Missing ? folder : entry.Path;
    }

    [GeneratedRegex(@"^(?:async\s+def|def|class)\s+\w")]
    private static partial Regex Definition();
}
