using System.Text;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// Keeps at most a fixed number of characters of a stream: the first half as it arrives and a rolling last half, so a
/// runaway tool cannot exhaust memory while the start (first errors) and the end (summaries) survive.
/// </summary>
internal sealed class HeadTailBuffer
{
    private readonly int _headLimit;
    private readonly int _tailLimit;
    private readonly StringBuilder _head = new();
    private readonly StringBuilder _tail = new();
    private long _dropped;

    public HeadTailBuffer(int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 2);
        _headLimit = maxChars / 2;
        _tailLimit = maxChars - _headLimit;
    }

    /// <summary>
    /// Appends what <paramref name="reader"/> yields until it ends or its process is gone, locking this buffer for each
    /// chunk, so a long-lived process's stderr can be read (under the same lock) while it still writes.
    /// </summary>
    public async Task AppendAllAsync(TextReader reader)
    {
        var chunk = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(chunk.AsMemory()).ConfigureAwait(false)) > 0)
            {
                lock (this)
                {
                    Append(chunk.AsSpan(0, read));
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process ended.
        }
    }

    public void Append(ReadOnlySpan<char> chunk)
    {
        var toHead = Math.Min(chunk.Length, _headLimit - _head.Length);
        if (toHead > 0)
        {
            _head.Append(chunk[..toHead]);
            chunk = chunk[toHead..];
        }

        if (chunk.IsEmpty)
        {
            return;
        }

        _tail.Append(chunk);

        // Trim in batches (when the tail is twice its limit) so a stream of small chunks costs linear time, not quadratic.
        if (_tail.Length > 2 * _tailLimit)
        {
            Trim();
        }
    }

    public override string ToString()
    {
        Trim();
        if (_dropped == 0)
        {
            return _head.ToString() + _tail;
        }

        return $"{_head}\n... [{_dropped} characters omitted] ...\n{_tail}";
    }

    private void Trim()
    {
        var excess = _tail.Length - _tailLimit;
        if (excess > 0)
        {
            _tail.Remove(0, excess);
            _dropped += excess;
        }
    }
}
