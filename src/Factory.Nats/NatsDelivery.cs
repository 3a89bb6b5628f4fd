using Factory.Dataflow.Distributed;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Factory.Nats;

/// <summary>One JetStream delivery: ack (double-acked, so "done" means the server took it), progress, nak with delay.</summary>
internal sealed class NatsDelivery : IQueueDelivery
{
    private readonly INatsJSMsg<byte[]> _message;
    private readonly string _address;

    public NatsDelivery(INatsJSMsg<byte[]> message, string address)
    {
        _message = message;
        _address = address;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message.Headers is { } natsHeaders)
        {
            foreach (var (name, values) in natsHeaders)
            {
                headers[name] = values.ToString();
            }
        }

        Headers = headers;
        MessageId = headers.GetValueOrDefault(NatsWorkQueue.MessageIdHeader);
        DeliveryCount = (long)(message.Metadata?.NumDelivered ?? 1);
    }

    public string? MessageId { get; }

    public ReadOnlyMemory<byte> Body => _message.Data ?? [];

    public IReadOnlyDictionary<string, string> Headers { get; }

    public long DeliveryCount { get; }

    public ValueTask AckAsync(CancellationToken cancellationToken) =>
        CallAsync(() => _message.AckAsync(new AckOpts { DoubleAck = true }, cancellationToken), "ack");

    public ValueTask ExtendAsync(CancellationToken cancellationToken) =>
        CallAsync(() => _message.AckProgressAsync(cancellationToken: cancellationToken), "heartbeat");

    public ValueTask ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        CallAsync(() => _message.NakAsync(new AckOpts { NakDelay = delay > TimeSpan.Zero ? delay : null }, cancellationToken), "release");

    private async ValueTask CallAsync(Func<ValueTask> call, string what)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (NatsException exception)
        {
            throw new QueueUnavailableException($"The {what} of '{MessageId}' did not reach the NATS server at {_address}: {exception.Message}", exception);
        }
    }
}
