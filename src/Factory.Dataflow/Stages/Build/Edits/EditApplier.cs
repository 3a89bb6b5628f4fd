using System.Globalization;
using System.Text;

namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// Applies BUILD's edits in memory, in reply order, to produce each touched file's complete new content; the jailed
/// writer stays the only thing that writes. A search passage must occur exactly once (<see cref="PassageLocator"/>); when
/// it does not, the problem names the file and edit and shows the matches or the closest passage with line numbers. An
/// existing file may be replaced whole only if BUILD's prompt showed it whole, so a model cannot rewrite a file it has
/// only seen parts of.
/// </summary>
internal static class EditApplier
{
    public static EditApplication Apply(IReadOnlyList<BuildEdit> edits, Func<string, CurrentFile> read, IReadOnlySet<string> shownWhole)
    {
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(shownWhole);
        var originals = new Dictionary<string, CurrentFile>(StringComparer.Ordinal);
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        var problems = new List<string>();
        for (var index = 0; index < edits.Count; index++)
        {
            var edit = edits[index];
            var path = edit.Path.Trim();
            if (!originals.TryGetValue(path, out var original))
            {
                originals[path] = original = read(path);
                order.Add(path);
            }

            var label = edits.Count == 1 ? path : string.Create(CultureInfo.InvariantCulture, $"{path} (edit {index + 1})");
            contents.TryGetValue(path, out var current);
            current ??= original.Content;
            var problem = edit switch
            {
                WholeFileEdit whole => ApplyWhole(whole, original, shownWhole, label, out current),
                SearchReplaceEdit search => ApplySearch(search, original, current, label, out current),
                _ => throw new InvalidOperationException($"Unknown edit {edit.GetType().Name}."),
            };
            if (problem is not null)
            {
                problems.Add(problem);
            }
            else
            {
                contents[path] = current!;
            }
        }

        if (problems.Count > 0)
        {
            return new EditApplication([], problems);
        }

        // Files the edits leave exactly as they were are not written; when that is every file, Files is empty.
        return new EditApplication([.. order.Where(p => contents[p] != originals[p].Content).Select(p => new FileEdit(p, contents[p]))], []);
    }

    private static string? ApplyWhole(WholeFileEdit edit, CurrentFile original, IReadOnlySet<string> shownWhole, string label, out string? result)
    {
        result = edit.Content;
        if (!original.Exists || shownWhole.Contains(RepoPath.Normalize(edit.Path)))
        {
            return null;
        }

        var length = original.Content!.Length.ToString("N0", CultureInfo.InvariantCulture);
        return $"{label}: replacing this existing file whole is refused: it has {length} characters and was not shown to you whole, " +
            "so a whole new content would lose what you did not see. Change it with search/replace edits: " +
            "{\"path\": \"" + edit.Path + "\", \"search\": \"<lines copied exactly from the file>\", \"replace\": \"<their new text>\"}.";
    }

    private static string? ApplySearch(SearchReplaceEdit edit, CurrentFile original, string? current, string label, out string? result)
    {
        result = current;
        if (original.Problem is { } unreadable)
        {
            return $"{label}: {unreadable}.";
        }

        if (current is null)
        {
            if (edit.Search.Trim().Length == 0)
            {
                // An empty search on a missing file reads as "create it with this text", as in Aider.
                result = edit.Replace;
                return null;
            }

            return $"{label}: the file does not exist, so there is nothing to search in. To create a new file, give its whole content: " +
                "{\"path\": \"" + edit.Path + "\", \"content\": \"...\"}.";
        }

        var source = new SourceText(current);
        switch (PassageLocator.Find(source, edit.Search))
        {
            case PassageMatch.Unique unique:
                result = current[..unique.Start] + Replacement(edit.Replace, unique, source.NewLine) + current[(unique.Start + unique.Length)..];
                return null;
            case PassageMatch.Ambiguous ambiguous:
                return Ambiguous(label, source, ambiguous);
            case PassageMatch.Missing missing:
                return Missing(label, source, missing);
            default:
                return $"{label}: the \"search\" passage is empty. Copy the exact lines to change from the file (to add code, search for the lines next to where it goes and repeat them in \"replace\" with the new code).";
        }
    }

    private static string Replacement(string replace, PassageMatch.Unique match, string newLine)
    {
        if (!match.LineBased)
        {
            return newLine == "\r\n" ? replace.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) : replace;
        }

        var lines = replace.Length == 0 ? [] : SourceText.SplitLines(replace);
        if (match.StripLineNumbers && PassageLocator.HasLineNumbers(lines))
        {
            lines = lines.ConvertAll(PassageLocator.StripLineNumber);
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            var trimmed = line.TrimEnd();
            if (trimmed.Length > 0)
            {
                var removable = Math.Min(match.Dedent, trimmed.Length - trimmed.TrimStart().Length);
                text.Append(match.Indent).Append(trimmed.AsSpan(removable));
            }

            text.Append(newLine);
        }

        return text.ToString();
    }

    private static string Ambiguous(string label, SourceText source, PassageMatch.Ambiguous ambiguous)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{label}: the \"search\" passage matches {ambiguous.Count} places in the file, so it is not clear which to change. It starts at:\n");
        foreach (var line in ambiguous.Lines)
        {
            NumberedLines.Append(text, source, line, line);
        }

        if (ambiguous.Count > ambiguous.Lines.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"... and {ambiguous.Count - ambiguous.Lines.Count} more\n");
        }

        return text.Append("Add the lines just before or after it to \"search\" (and \"replace\") so that it matches exactly one place.").ToString();
    }

    private static string Missing(string label, SourceText source, PassageMatch.Missing missing)
    {
        var text = new StringBuilder();
        text.Append(label).Append(": the \"search\" passage matches nothing in the file; it must be copied exactly from the file's current text.");
        if (missing.FirstLine == 0)
        {
            return text.Append(" The file is empty.").ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $" The closest passage is lines {missing.FirstLine}-{missing.LastLine}:\n");
        NumberedLines.Append(text, source, missing.FirstLine, missing.LastLine);
        return text.Append("Copy the passage from the file as it is (without the line numbers) and give its replacement.").ToString();
    }
}
