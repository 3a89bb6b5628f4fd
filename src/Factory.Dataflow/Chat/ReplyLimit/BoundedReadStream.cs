namespace Factory.Dataflow.Chat.ReplyLimit;

/// <summary>A read-only stream that fails with <see cref="ModelReplyTooLargeException"/> once more than a cap has been read.</summary>
internal sealed class BoundedReadStream(Stream inner, long maxBytes, Uri? endpoint) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(Limit(buffer)));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(Limit(buffer), cancellationToken).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // Never ask for more than one byte past the cap: reading that byte is how a body just over the cap is told apart
    // from one exactly at it, and nothing beyond it is ever read into the caller's buffer.
    private Span<byte> Limit(Span<byte> buffer) => buffer[..Allowed(buffer.Length)];

    private Memory<byte> Limit(Memory<byte> buffer) => buffer[..Allowed(buffer.Length)];

    private int Allowed(int requested) => (int)Math.Min(requested, maxBytes + 1 - _read);

    private int Count(int read)
    {
        _read += read;
        return _read > maxBytes ? throw new ModelReplyTooLargeException(endpoint, maxBytes, null) : read;
    }
}
