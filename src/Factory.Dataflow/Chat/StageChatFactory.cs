using Factory.Dataflow.Chat.ReplyLimit;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp;

namespace Factory.Dataflow.Chat;

/// <summary>
/// Makes each model stage's <see cref="StageChat"/> from <see cref="ModelOptions"/>: one client shared by all stages
/// (OllamaSharp's <see cref="OllamaApiClient"/> in production, optionally wrapped in middleware such as recording), and
/// each stage's own model, temperature, timeout, retries and output cap.
/// </summary>
public sealed class StageChatFactory : IDisposable
{
    private readonly ModelOptions _options;
    private readonly PriceTable _prices;
    private readonly TimeProvider _time;
    private readonly HttpClient? _ownedHttp;

    /// <summary>Creates a factory over any chat client (a replay client, a test double); the factory does not own it.</summary>
    /// <param name="options">The model settings; validated here, and warnings logged.</param>
    /// <param name="client">The client every stage calls, with the stage's model in <see cref="ChatOptions.ModelId"/>.</param>
    /// <param name="timeProvider">Time for timeouts and backoff; null for the system clock.</param>
    /// <param name="logger">Where configuration warnings go; null for none.</param>
    public StageChatFactory(ModelOptions options, IChatClient client, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, client, null, timeProvider, logger)
    {
    }

    private StageChatFactory(ModelOptions options, IChatClient client, HttpClient? ownedHttp, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        Warnings = options.Validate();
        foreach (var warning in Warnings)
        {
#pragma warning disable CA2254 // The warnings are whole sentences built from configuration, not templates.
            (logger ?? NullLogger.Instance).LogWarning(warning);
#pragma warning restore CA2254
        }

        _options = options;
        _prices = new PriceTable(options.Prices);
        _time = timeProvider ?? TimeProvider.System;
        _ownedHttp = ownedHttp;
        Client = client;
    }

    /// <summary>The client the stages share.</summary>
    public IChatClient Client { get; }

    /// <summary>Configuration warnings found when the factory was made (e.g. REVIEW on BUILD's model).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Creates a factory whose stages talk to Ollama at <see cref="OllamaOptions.BaseUrl"/> through OllamaSharp, reading
    /// at most <see cref="OllamaOptions.MaxReplyBytes"/> of any reply.
    /// </summary>
    /// <param name="options">The model settings; validated here.</param>
    /// <param name="configure">Adds middleware around the Ollama client, e.g. <c>b =&gt; b.UseRecording(path)</c>.</param>
    /// <param name="timeProvider">Time for timeouts and backoff; null for the system clock.</param>
    /// <param name="logger">Where configuration warnings go; null for none.</param>
    /// <param name="handler">The HTTP handler to use (tests); null for the default. The factory owns it.</param>
    public static StageChatFactory ForOllama(
        ModelOptions options,
        Action<ChatClientBuilder>? configure = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseUri = options.Ollama.GetBaseUri();

        // No HttpClient timeout: each stage applies its own per-attempt timeout, which may be longer than the default 100 s.
        // The reply cap sits under OllamaSharp, at the HTTP layer, so no reply is ever held whole before it is judged.
        options.Ollama.Validate();
        var http = new HttpClient(new ReplySizeLimitHandler(options.Ollama.MaxReplyBytes, handler ?? new SocketsHttpHandler()), disposeHandler: true);
        http.BaseAddress = baseUri;
        http.Timeout = Timeout.InfiniteTimeSpan;
        try
        {
            var builder = new ChatClientBuilder(new OllamaApiClient(http, options.Stages.Build.Model));
            configure?.Invoke(builder);
            return new StageChatFactory(options, builder.Build(), http, timeProvider, logger);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The chat line of <paramref name="stage"/> (PLAN, SCOUT, BUILD, TEST or REVIEW).</summary>
    public StageChat Create(StageName stage) => new(Client, _options.Stages.For(stage), _prices, _time);

    /// <summary>Disposes the HTTP client the factory created, if any.</summary>
    public void Dispose() => _ownedHttp?.Dispose();
}
