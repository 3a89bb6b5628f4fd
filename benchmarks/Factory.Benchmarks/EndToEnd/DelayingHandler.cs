namespace Factory.Benchmarks.EndToEnd;

/// <summary>
/// Holds every chat call for a fixed time before it reaches the loopback server, so each model reply takes what the
/// issue asks (300 ms) without blocking a thread: the wait is a timer, as a real model's is a socket.
/// </summary>
internal sealed class DelayingHandler(TimeSpan delay) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath == "/api/chat")
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
