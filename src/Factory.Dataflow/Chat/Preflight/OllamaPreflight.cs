using System.Net.Http.Json;
using System.Text.Json;

namespace Factory.Dataflow.Chat.Preflight;

/// <summary>
/// Checks, before any request runs, that the Ollama server answers <c>/api/tags</c> and has every configured model,
/// so nothing starts half-way. The runner calls <see cref="CheckAsync(ModelOptions, HttpClient?, TimeSpan?, CancellationToken)"/>.
/// </summary>
public static class OllamaPreflight
{
    /// <summary>How long the check waits for the server when no timeout is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Checks the server and models of <paramref name="options"/>.</summary>
    /// <exception cref="OllamaPreflightException">The server is unreachable or lacks a model; the message says how to fix it.</exception>
    public static Task<PreflightReport> CheckAsync(
        ModelOptions options, HttpClient? httpClient = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CheckAsync(options.Ollama.GetBaseUri(), options.ConfiguredModels(), httpClient, timeout, cancellationToken);
    }

    /// <summary>Checks that <paramref name="baseUri"/> answers and has every model in <paramref name="models"/>.</summary>
    /// <exception cref="OllamaPreflightException">The server is unreachable or lacks a model; the message says how to fix it.</exception>
    public static async Task<PreflightReport> CheckAsync(
        Uri baseUri,
        IEnumerable<string> models,
        HttpClient? httpClient = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(models);
        var ownsClient = httpClient is null;

        // The model list is small; a server that sends more than a reply may hold is refused rather than buffered.
        var http = httpClient ?? new HttpClient { MaxResponseContentBufferSize = OllamaOptions.DefaultMaxReplyBytes };
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout ?? DefaultTimeout);
            var installed = await GetTagsAsync(http, baseUri, deadline.Token, cancellationToken).ConfigureAwait(false);
            var missing = models.Where(m => !IsInstalled(m, installed)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count > 0)
            {
                var pulls = string.Join("\n", missing.Select(m => $"  ollama pull {m}"));
                throw new OllamaPreflightException(
                    $"Ollama at {baseUri} does not have the model{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} " +
                    $"that the stages are configured to use. Pull {(missing.Count == 1 ? "it" : "them")} first:\n{pulls}",
                    baseUri,
                    missing);
            }

            return new PreflightReport(baseUri, await GetVersionAsync(http, baseUri, deadline.Token).ConfigureAwait(false), installed);
        }
        finally
        {
            if (ownsClient)
            {
                http.Dispose();
            }
        }
    }

    private static async Task<IReadOnlyList<string>> GetTagsAsync(HttpClient http, Uri baseUri, CancellationToken deadline, CancellationToken caller)
    {
        var tags = new Uri(baseUri, "api/tags");
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(tags, deadline).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(baseUri, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!caller.IsCancellationRequested)
        {
            throw Unreachable(baseUri, "no answer in time", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new OllamaPreflightException(
                    $"Ollama at {baseUri} answered GET /api/tags with HTTP {(int)response.StatusCode} {response.StatusCode}; " +
                    "is this an Ollama server? Check Factory:Ollama:BaseUrl.",
                    baseUri,
                    []);
            }

            try
            {
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline).ConfigureAwait(false));
                return [.. document.RootElement.GetProperty("models").EnumerateArray()
                    .Select(m => m.TryGetProperty("name", out var n) ? n.GetString() : m.GetProperty("model").GetString())
                    .OfType<string>()];
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new OllamaPreflightException(
                    $"Ollama at {baseUri} answered GET /api/tags with something that is not a model list ({ex.Message}); " +
                    "check Factory:Ollama:BaseUrl.",
                    baseUri,
                    [],
                    ex);
            }
        }
    }

    private static async Task<string?> GetVersionAsync(HttpClient http, Uri baseUri, CancellationToken cancellationToken)
    {
        // The version is only reported, so a server that does not say is fine; the tags check above is the gate.
        using var response = await http.GetAsync(new Uri(baseUri, "api/version"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("version", out var v) ? v.GetString() : null;
    }

    private static OllamaPreflightException Unreachable(Uri baseUri, string cause, Exception inner) => new(
        $"Cannot reach Ollama at {baseUri} ({cause}). Start it with `ollama serve` (or `systemctl start ollama`), " +
        "or point Factory:Ollama:BaseUrl (environment: Factory__Ollama__BaseUrl) at where it runs.",
        baseUri,
        [],
        inner);

    // Ollama lists "llama3:latest" for a model pulled as "llama3", so a name without a tag means ":latest".
    private static bool IsInstalled(string model, IReadOnlyList<string> installed) =>
        installed.Any(i => string.Equals(i, model, StringComparison.OrdinalIgnoreCase) ||
                           (!model.Contains(':', StringComparison.Ordinal) && string.Equals(i, model + ":latest", StringComparison.OrdinalIgnoreCase)));
}
