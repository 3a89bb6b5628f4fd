using System.Net.Http.Headers;

namespace Factory.Dataflow.Chat.ReplyLimit;

/// <summary>
/// Caps every response body read through the HttpClient that OllamaSharp uses, at the HTTP layer: a body that declares
/// more than the cap is refused before it is read, and any other body is read through a stream that fails with
/// <see cref="ModelReplyTooLargeException"/> once it passes the cap. That holds for both ways OllamaSharp reads: a
/// non-streamed chat is buffered whole by HttpClient (it asks for <see cref="HttpCompletionOption.ResponseContentRead"/>),
/// which now stops at the cap; a streamed chat's NDJSON lines are read from the stream, which stops at the cap too, so
/// neither a single huge line nor endless small ones can hold more than the cap in memory.
/// </summary>
internal sealed class ReplySizeLimitHandler(long maxBytes, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            response.Dispose();
            throw new ModelReplyTooLargeException(request.RequestUri, maxBytes, length);
        }

        response.Content = new BoundedContent(response.Content, maxBytes, request.RequestUri);
        return response;
    }

    /// <summary>The original body, readable only up to the cap; its headers are kept.</summary>
    private sealed class BoundedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _maxBytes;
        private readonly Uri? _endpoint;

        public BoundedContent(HttpContent inner, long maxBytes, Uri? endpoint)
        {
            _inner = inner;
            _maxBytes = maxBytes;
            _endpoint = endpoint;
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new BoundedReadStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _maxBytes, _endpoint);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            var source = new BoundedReadStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _maxBytes, _endpoint);
            await using (source.ConfigureAwait(false))
            {
                await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
