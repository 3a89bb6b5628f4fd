namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// A file's text split into lines, keeping where each line starts and how long its line break is, so a passage found
/// line by line can be replaced in the original text without touching the rest (line breaks included).
/// </summary>
internal sealed class SourceText
{
    private readonly List<(int Start, int Length, int BreakLength)> _lines = [];

    public SourceText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                _lines.Add((start, text.Length - start, 0));
                break;
            }

            var length = end - start;
            var crlf = length > 0 && text[end - 1] == '\r';
            _lines.Add((start, crlf ? length - 1 : length, crlf ? 2 : 1));
            start = end + 1;
        }

        NewLine = _lines.Count > 0 && _lines[0].BreakLength == 2 ? "\r\n" : "\n";
    }

    public string Text { get; }

    /// <summary>The file's line break, judged by its first line: "\r\n" or "\n".</summary>
    public string NewLine { get; }

    public int LineCount => _lines.Count;

    /// <summary>Line <paramref name="index"/> (0-based), without its line break.</summary>
    public string Line(int index) => Text.Substring(_lines[index].Start, _lines[index].Length);

    /// <summary>Where line <paramref name="index"/> (0-based) starts in <see cref="Text"/>.</summary>
    public int LineStart(int index) => _lines[index].Start;

    /// <summary>Where line <paramref name="index"/> (0-based) ends in <see cref="Text"/>, after its line break.</summary>
    public int LineEndWithBreak(int index) => _lines[index].Start + _lines[index].Length + _lines[index].BreakLength;

    /// <summary>The 0-based line that holds character <paramref name="offset"/>.</summary>
    public int LineAt(int offset)
    {
        int low = 0, high = _lines.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_lines[middle].Start <= offset)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>Splits a passage the model wrote into lines, dropping the empty piece after a final line break.</summary>
    public static List<string> SplitLines(string passage)
    {
        var lines = passage.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }
}
