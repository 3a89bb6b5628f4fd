using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Factory.Tests.Hosting.Worker;

/// <summary>A channel reader that tells when the worker has taken a given number of requests, so a test can wait for it.</summary>
internal sealed class CountingReader<T>(ChannelReader<T> inner, int signalAt) : ChannelReader<T>
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _taken;

    /// <summary>Completes once <c>signalAt</c> items were taken.</summary>
    public Task Reached => _reached.Task;

    public int Taken => Volatile.Read(ref _taken);

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (!inner.TryRead(out item))
        {
            return false;
        }

        if (Interlocked.Increment(ref _taken) == signalAt)
        {
            _reached.TrySetResult();
        }

        return true;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
}
