using System.Diagnostics.CodeAnalysis;
using Factory.Dataflow.Distributed;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Factory.Nats;

/// <summary>
/// <see cref="IWorkQueue"/> on NATS JetStream: a work-queue stream (a message leaves it when acked), one subject per
/// request (<c>&lt;Subject&gt;.&lt;id&gt;</c>) holding at most one message, the request id as <c>Nats-Msg-Id</c> within the
/// duplicate window, and one durable pull consumer shared by every worker with explicit acks and
/// <see cref="QueueOptions.AckWait"/>. The broker does not cap deliveries: the worker ends a request that reaches
/// <see cref="QueueOptions.MaxDeliveries"/> itself, with an outcome, so no message is ever stranded.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "It is a work queue; the name says what it is.")]
public sealed class NatsWorkQueue : IWorkQueue
{
    /// <summary>The header JetStream de-duplicates on.</summary>
    public const string MessageIdHeader = "Nats-Msg-Id";

    private readonly QueueOptions _options;
    private readonly NatsConnection _connection;
    private readonly NatsJSContext _js;
    private INatsJSConsumer? _consumer;

    /// <summary>Creates the queue; nothing is contacted until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Url, Stream, Subject, Consumer, AckWait and DuplicateWindow are used (copied).</param>
    public NatsWorkQueue(QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        Address = _options.Url;
        _connection = new NatsConnection(new NatsOpts
        {
            Url = _options.Url,
            Name = "factory-" + _options.EffectiveName,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
        });
        _js = new NatsJSContext(_connection);
    }

    /// <inheritdoc />
    public string Address { get; }

    /// <inheritdoc />
    public async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.ConnectAsync().ConfigureAwait(false);
            await _js.CreateOrUpdateStreamAsync(
                new StreamConfig(_options.Stream, [_options.Subject + ".>"])
                {
                    Retention = StreamConfigRetention.Workqueue,
                    Storage = StreamConfigStorage.File,
                    DuplicateWindow = _options.DuplicateWindow,

                    // One message per request id: a second publish while the first is pending is refused outright,
                    // whatever the duplicate window.
                    MaxMsgsPerSubject = 1,
                    Discard = StreamConfigDiscard.New,
                    DiscardNewPerSubject = true,
                },
                cancellationToken).ConfigureAwait(false);
            _consumer = await _js.CreateOrUpdateConsumerAsync(
                _options.Stream,
                new ConsumerConfig(_options.Consumer)
                {
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    AckWait = _options.AckWait,
                    MaxDeliver = -1,
                    FilterSubject = _options.Subject + ".>",
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NatsException or TimeoutException)
        {
            throw new QueueUnavailableException(
                $"The NATS server at {Address} cannot be reached or refused the JetStream set-up: {exception.Message}\n" +
                "Start one with JetStream enabled (nats-server -js; scripts/setup-queue.sh installs it), or pass its address with --queue.",
                exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<PublishResult> PublishAsync(QueuedRequest request, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(headers);
        var natsHeaders = new NatsHeaders();
        foreach (var (name, value) in headers)
        {
            natsHeaders[name] = value;
        }

        try
        {
            var ack = await _js.PublishAsync(
                _options.Subject + "." + request.Id, request.Encode(), opts: new NatsJSPubOpts { MsgId = request.Id }, headers: natsHeaders,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (ack.Error is { } error)
            {
                return IsSubjectFull(error.ErrCode) ? PublishResult.AlreadyQueued : throw Refused(request.Id, error.Description);
            }

            return ack.Duplicate ? PublishResult.AlreadyQueued : PublishResult.Queued;
        }
        catch (NatsJSApiException exception) when (IsSubjectFull(exception.Error.ErrCode))
        {
            return PublishResult.AlreadyQueued;
        }
        catch (NatsException exception)
        {
            throw new QueueUnavailableException($"Publishing '{request.Id}' to the NATS server at {Address} failed: {exception.Message}", exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<IQueueDelivery>> ReceiveAsync(int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("Call ConnectAsync before ReceiveAsync.");
        var deliveries = new List<IQueueDelivery>(max);
        try
        {
            await foreach (var message in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = max, Expires = wait }, cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                deliveries.Add(new NatsDelivery(message, Address));
            }
        }
        catch (NatsException exception)
        {
            if (deliveries.Count > 0)
            {
                // Those already here are ours until their ack wait; hand them out rather than lose the work.
                return deliveries;
            }

            throw new QueueUnavailableException($"Pulling from the NATS server at {Address} failed: {exception.Message}", exception);
        }

        return deliveries;
    }

    /// <inheritdoc />
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stream = await _js.GetStreamAsync(_options.Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (long)stream.Info.State.Messages;
        }
        catch (NatsException exception)
        {
            throw new QueueUnavailableException($"Reading the stream {_options.Stream} from the NATS server at {Address} failed: {exception.Message}", exception);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    // JetStream's "maximum messages per subject exceeded" (10077): the request is pending already.
    private static bool IsSubjectFull(int code) => code == 10077;

    private QueueUnavailableException Refused(string id, string? why) =>
        new($"The NATS server at {Address} refused '{id}': {why}");
}
