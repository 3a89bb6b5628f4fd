using System.Text;
using Factory.Dataflow.Reporting;

namespace Factory.Runner.Output;

/// <summary>
/// The last line of defence between text from models, tools and repositories and the user's terminal: every character
/// written through it is escaped with <see cref="TerminalText"/> (newlines and tabs kept), so no command, log line or
/// exporter can pass an escape sequence on, whichever code path forgot to escape its text. Factory's own styling
/// (the live progress table) is written to the terminal directly, never through this writer.
/// </summary>
internal sealed class TerminalWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    private readonly StringBuilder _buffer = new();

    // A carriage return at the end of one write may be the first half of a Windows line end finished by the next.
    private bool _pendingReturn;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>An escaping writer over <paramref name="inner"/>, safe to share between threads (as Console.Out must be).</summary>
    public static TextWriter Over(TextWriter inner) => Synchronized(new TerminalWriter(inner));

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        _buffer.Clear();
        foreach (var c in buffer)
        {
            if (_pendingReturn)
            {
                _pendingReturn = false;
                if (c != '\n')
                {
                    TerminalText.Append(_buffer, '\r', multiLine: true);
                }
            }

            if (c == '\r')
            {
                _pendingReturn = true;
                continue;
            }

            TerminalText.Append(_buffer, c, multiLine: true);
        }

        foreach (var chunk in _buffer.GetChunks())
        {
            inner.Write(chunk.Span);
        }
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _pendingReturn)
        {
            _pendingReturn = false;
            inner.Write(@"\r");
            inner.Flush();
        }

        base.Dispose(disposing);
    }
}
