using System.Globalization;
using System.Text;

namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>Lines of a file as BUILD's prompt and feedback show them: "  120| code", numbered from 1.</summary>
internal static class NumberedLines
{
    /// <summary>Appends lines <paramref name="first"/>..<paramref name="last"/> (1-based, inclusive) of <paramref name="source"/>.</summary>
    public static StringBuilder Append(StringBuilder text, SourceText source, int first, int last)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var width = Math.Max(4, source.LineCount.ToString(CultureInfo.InvariantCulture).Length);
        for (var number = Math.Max(1, first); number <= Math.Min(last, source.LineCount); number++)
        {
            var line = source.Line(number - 1);
            text.Append(number.ToString(CultureInfo.InvariantCulture).PadLeft(width)).Append('|');
            if (line.Length > 0)
            {
                text.Append(' ').Append(line);
            }

            text.Append('\n');
        }

        return text;
    }
}
