using System.Globalization;
using System.Text;

namespace Factory.Dataflow.Reporting;

/// <summary>
/// Makes text from models, tools and repositories safe to print on a terminal. A reply or a tool's output can carry
/// escape sequences that repaint a line ("approved"), move the cursor, retitle the window or write the clipboard
/// (OSC 52); every control character is therefore shown as a visible escape instead (ESC as <c>\e</c>, BEL as
/// <c>\a</c>, others as <c>\xNN</c>, C1 controls and bidirectional overrides as <c>\uNNNN</c>), so the text reads the
/// same and does nothing. Printable text, including non-ASCII letters, passes unchanged.
/// </summary>
public static class TerminalText
{
    /// <summary>
    /// Escapes <paramref name="text"/> where it is multi-line by design (a reason, a tool's output): newlines and tabs
    /// stay, a Windows line end becomes a newline, and every other control character is escaped.
    /// </summary>
    public static string Escape(string? text) => Render(text, multiLine: true);

    /// <summary>
    /// Escapes <paramref name="text"/> for one line (a title, an id, a path, a table cell): newlines, tabs and carriage
    /// returns are escaped too, so the text cannot start a line of its own.
    /// </summary>
    public static string Line(string? text) => Render(text, multiLine: false);

    /// <summary>True when <paramref name="c"/> must not reach a terminal as it is in multi-line text.</summary>
    public static bool IsUnsafe(char c) => c is not ('\n' or '\t') && IsControl(c);

    /// <summary>Appends <paramref name="c"/> to <paramref name="into"/>, escaped when it is unsafe.</summary>
    /// <param name="into">Where the text goes.</param>
    /// <param name="c">The character.</param>
    /// <param name="multiLine">True to keep newlines and tabs as they are.</param>
    public static void Append(StringBuilder into, char c, bool multiLine)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (multiLine ? !IsUnsafe(c) : !IsControl(c))
        {
            into.Append(c);
            return;
        }

        into.Append(c switch
        {
            '\u001b' => @"\e",
            '\a' => @"\a",
            '\b' => @"\b",
            '\f' => @"\f",
            '\v' => @"\v",
            '\r' => @"\r",
            '\n' => @"\n",
            '\t' => @"\t",
            '\0' => @"\0",
            < '\u0080' => string.Create(CultureInfo.InvariantCulture, $@"\x{(int)c:x2}"),
            _ => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:x4}"),
        });
    }

    private static string Render(string? text, bool multiLine)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        if (!text.Any(IsControl))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (multiLine && c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                // A Windows line end: the newline that follows is the line end, the carriage return adds nothing.
                continue;
            }

            Append(escaped, c, multiLine);
        }

        return escaped.ToString();
    }

    // C0 controls, DEL, C1 controls (a terminal may read U+009B as CSI and U+009D as OSC), and the bidirectional
    // embeddings, overrides and isolates that make a line display in another order than it reads.
    private static bool IsControl(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';
}
