using System.ComponentModel;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Stages.Scout;

/// <summary>
/// SCOUT's read-only tools over one worktree: list a folder, read a file (capped), grep. Every path is confined by
/// <see cref="WorktreeFiles"/>; a refused path or a bad pattern comes back as an "error: ..." text the model can act on.
/// </summary>
internal sealed class ScoutTools
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
        AIFunctionFactory.Create(ListFiles, "list_files", "Lists the files and folders in a folder of the repository."),
        AIFunctionFactory.Create(ReadFile, "read_file", "Reads a text file of the repository (long files are cut)."),
        AIFunctionFactory.Create(Grep, "grep", "Finds lines matching a regular expression in the repository's files."),
    ];

    public string ListFiles([Description("Folder path relative to the repository root; \".\" for the root.")] string path = ".")
    {
        var full = _files.Resolve(path, out var problem);
        if (full is null)
        {
            return $"error: {problem}";
        }

        if (!Directory.Exists(full))
        {
            return $"error: '{path}' is not a folder";
        }

        var entries = Directory.EnumerateFileSystemEntries(full)
            .Select(e => Directory.Exists(e) ? Path.GetFileName(e) + "/" : Path.GetFileName(e))
            .Where(name => !WorktreeFiles.IsHidden(name.TrimEnd('/')))
            .Order(StringComparer.Ordinal)
            .ToList();
        var shown = entries.Take(_options.MaxListEntries);
        var text = string.Join("\n", shown);
        return entries.Count > _options.MaxListEntries ? $"{text}\n... ({entries.Count - _options.MaxListEntries} more not shown)" : text;
    }

    public string ReadFile([Description("File path relative to the repository root.")] string path)
    {
        var full = _files.Resolve(path, out var problem);
        if (full is null)
        {
            return $"error: {problem}";
        }

        if (!File.Exists(full))
        {
            return $"error: '{path}' does not exist";
        }

        var text = ReadCapped(full, _options.MaxReadChars, out var total);
        return text.Length < total ? $"{text}\n... (cut at {text.Length} of {total} characters)" : text;
    }

    public string Grep(
        [Description("A regular expression (.NET syntax) to find in each line.")] string pattern,
        [Description("Folder path relative to the repository root to search; \".\" for all.")] string path = ".")
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

        var full = _files.Resolve(path, out var problem);
        if (full is null)
        {
            return $"error: {problem}";
        }

        var files = File.Exists(full) ? [full] : Directory.Exists(full) ? WorktreeFiles.EnumerateFiles(full) : null;
        if (files is null)
        {
            return $"error: '{path}' does not exist";
        }

        var matches = new StringBuilder();
        var count = 0;
        try
        {
            foreach (var file in files)
            {
                var info = new FileInfo(file);
                if (info.Length > _options.MaxFileBytes || IsBinary(file))
                {
                    continue;
                }

                var lineNumber = 0;
                foreach (var line in File.ReadLines(file))
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

                    matches.Append(_files.Relative(file)).Append(':').Append(lineNumber).Append(": ")
                        .AppendLine(line.Length > 200 ? line[..200] + "..." : line);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return "error: the pattern took too long to match; use a simpler one";
        }

        return count == 0 ? "(no matches)" : matches.ToString().TrimEnd();
    }

    /// <summary>Up to <paramref name="maxChars"/> characters of a text file, and its full length.</summary>
    internal static string ReadCapped(string full, int maxChars, out long totalChars)
    {
        using var reader = new StreamReader(full, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[maxChars];
        var read = reader.ReadBlock(buffer, 0, maxChars);
        totalChars = read;
        var more = new char[4096];
        int extra;
        while ((extra = reader.Read(more, 0, more.Length)) > 0)
        {
            totalChars += extra;
        }

        return new string(buffer, 0, read);
    }

    private static bool IsBinary(string file)
    {
        Span<byte> head = stackalloc byte[512];
        using var stream = File.OpenRead(file);
        var read = stream.Read(head);
        return head[..read].Contains((byte)0);
    }
}
