namespace Factory.Dataflow.Tracing;

/// <summary>One request's trace.jsonl. A new run of the same request id starts the file afresh.</summary>
internal sealed class JsonlRequestTrace : IRequestTrace
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    // One writer at a time: a request is in one stage at a time, but the final event and a late stage event must
    // still never interleave inside the file.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _stream;

    public JsonlRequestTrace(string runDirectory, string path)
    {
        RunDirectory = runDirectory;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 4096, useAsync: true);
    }

    public string? RunDirectory { get; }

    public async ValueTask WriteAsync(TraceEvent traceEvent, CancellationToken cancellationToken)
    {
        var line = TraceEventSerializer.ToUtf8Json(traceEvent);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);

            // Flushed per event, so a crash leaves a readable prefix of whole lines.
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }
}
