using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models;

namespace Factory.Dataflow.Chat;

/// <summary>
/// One stage's line to its model: the client, the stage's settings and the price table, and the single place where a
/// model call is made. Every call checks the request's budget against its worst case first, runs under the stage's
/// per-attempt timeout, retries transport faults with backoff (each counted), and charges the server's own usage to the
/// stage and the request.
/// </summary>
/// <remarks>
/// Retries live here rather than in a <see cref="DelegatingChatClient"/> because each attempt must check the request's
/// budget and count on the stage's usage, both per-request state that a shared client middleware cannot see.
/// </remarks>
public sealed partial class StageChat
{
    /// <summary>
    /// The key in <see cref="ChatResponse.AdditionalProperties"/> by which a client says who served a reply (the replay
    /// client sets it to <c>model@replay:&lt;cassette&gt;</c>); without it, the client's endpoint and the reply's model are used.
    /// </summary>
    public const string ServedByProperty = "factory.served_by";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IChatClient _client;
    private readonly PriceTable _prices;
    private readonly TimeProvider _time;
    private readonly string _endpoint;

    /// <summary>Creates a stage's chat line.</summary>
    /// <param name="client">The model client (OllamaSharp's, possibly wrapped in record or replay middleware).</param>
    /// <param name="options">The stage's settings; copied and validated.</param>
    /// <param name="prices">Model prices; null means every model is free (local).</param>
    /// <param name="timeProvider">Time for timeouts and backoff; null for the system clock.</param>
    public StageChat(IChatClient client, StageModelOptions options, PriceTable? prices = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        Options.Validate("stage options");
        _client = client;
        _prices = prices ?? PriceTable.Free;
        _time = timeProvider ?? TimeProvider.System;
        _endpoint = client.GetService<ChatClientMetadata>()?.ProviderUri?.ToString() ?? "(unknown endpoint)";
    }

    /// <summary>The stage's settings (a copy).</summary>
    public StageModelOptions Options { get; }

    /// <summary>The endpoint calls go to, as the client reports it.</summary>
    public string Endpoint => _endpoint;

    /// <summary>
    /// Makes one model call for <paramref name="context"/>'s stage: the stage's model, temperature and output cap are set
    /// on a copy of <paramref name="options"/>.
    /// </summary>
    /// <exception cref="Budget.BudgetExceededException">The call's worst case could cross the request's budget; nothing was sent.</exception>
    /// <exception cref="ModelCallException">The transport kept failing, the call timed out, or the server refused it.</exception>
    public async Task<ChatResponse> GetResponseAsync(
        StageContext context, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(messages);
        var chatOptions = CreateOptions(options);
        var worstIn = TokenEstimate.WorstCasePromptTokens(messages, chatOptions);
        context.Usage.Model = Options.Model;
        for (var attempt = 1; ; attempt++)
        {
            // Before every attempt, retries included: a call that might cross the budget is never sent.
            context.Budget.EnsureCanSpend(
                context.Stage, worstIn + Options.MaxOutputTokens, _prices.CostOf(Options.Model, worstIn, Options.MaxOutputTokens));
            using var timeout = new CancellationTokenSource(Options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var response = await _client.GetResponseAsync(messages, chatOptions, linked.Token).ConfigureAwait(false);
                Account(context, response, worstIn);
                return response;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TooLarge(ex) is { } tooLarge)
            {
                // Not retried: the same prompt is likely to run away again, and each try would read the cap once more.
                throw new ModelCallException(
                    context.Stage,
                    $"{context.Stage.ToDisplayName()}'s call to {Options.Model} at {_endpoint} failed: the reply was larger than " +
                    $"Factory:Ollama:MaxReplyBytes ({ModelReplyTooLargeException.Size(tooLarge.Limit)}), so it was not read further. Raise the setting " +
                    "only if this model's replies are meant to be that large.",
                    attempt,
                    tooLarge);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFault(ex, timeout.IsCancellationRequested))
            {
                if (attempt > Options.TransportRetries)
                {
                    throw new ModelCallException(context.Stage, DescribeFailure(context.Stage, ex, timeout.IsCancellationRequested, attempt), attempt, ex);
                }

                context.Usage.AddRetry();
                await Task.Delay(Backoff(Options.RetryDelay, attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ModelCallException(context.Stage, DescribeFailure(context.Stage, ex, timedOut: false, attempt), attempt, ex);
            }
        }
    }

    /// <summary>The delay before retry number <paramref name="retry"/> (1-based): doubling from <paramref name="first"/>, capped at 30 seconds.</summary>
    internal static TimeSpan Backoff(TimeSpan first, int retry)
    {
        var factor = Math.Pow(2, Math.Min(retry - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, MaxBackoff.Ticks));
        return delay < first ? first : delay;
    }

    private ChatOptions CreateOptions(ChatOptions? options)
    {
        var chatOptions = options?.Clone() ?? new ChatOptions();
        chatOptions.ModelId = Options.Model;
        chatOptions.Temperature = Options.Temperature;
        chatOptions.MaxOutputTokens = Options.MaxOutputTokens;
        if (Options.ContextLength is { } contextLength)
        {
            // An Ollama option carried in AdditionalProperties; OllamaSharp sends it as "num_ctx", other clients ignore it.
            chatOptions.AddOllamaOption(OllamaOption.NumCtx, contextLength);
        }

        return chatOptions;
    }

    private void Account(StageContext context, ChatResponse response, long worstIn)
    {
        // A reply without usage figures is charged its worst case: an unknown spend must not slip past the budget.
        var estimated = response.Usage?.InputTokenCount is null || response.Usage?.OutputTokenCount is null;
        var tokensIn = response.Usage?.InputTokenCount ?? worstIn;
        var tokensOut = response.Usage?.OutputTokenCount ?? Options.MaxOutputTokens;
        context.Usage.AddTokens(tokensIn, tokensOut, _prices.CostOf(Options.Model, tokensIn, tokensOut));
        if (estimated)
        {
            context.Usage.SetExtra("usage_estimated", true);
        }

        context.Usage.ServedBy = response.AdditionalProperties?.TryGetValue(ServedByProperty, out var servedBy) == true && servedBy is string label
            ? label
            : $"{response.ModelId ?? Options.Model}@{_endpoint}";
    }

    // The cap's exception as thrown, or wrapped by a client library on its way up.
    private static ModelReplyTooLargeException? TooLarge(Exception? ex) =>
        ex is null ? null : ex as ModelReplyTooLargeException ?? TooLarge(ex.InnerException);

    private static bool IsTransportFault(Exception ex, bool attemptTimedOut) => ex switch
    {
        OperationCanceledException => attemptTimedOut,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || (int)status is 408 or 429,
        IOException or TimeoutException => true,
        _ => false,
    };

    private string DescribeFailure(StageName stage, Exception ex, bool timedOut, int attempts)
    {
        var call = $"{stage.ToDisplayName()}'s call to {Options.Model} at {_endpoint}";
        var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        return ex switch
        {
            _ when timedOut => $"{call} timed out after {Options.Timeout.TotalSeconds:0.###} s ({tries}).",
            HttpRequestException { StatusCode: System.Net.HttpStatusCode.NotFound } =>
                $"{call} failed: the server has no model '{Options.Model}' (404). Run `ollama pull {Options.Model}`.",
            HttpRequestException { StatusCode: { } status } => $"{call} failed with HTTP {(int)status} {status} ({tries}).",
            HttpRequestException => $"{call} failed: {ex.Message} ({tries}). Is Ollama running? Start it with `ollama serve`.",
            _ => $"{call} failed: {ex.Message} ({tries}).",
        };
    }
}
