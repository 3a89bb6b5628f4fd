namespace Factory.Dataflow.Chat;

/// <summary>Where the Ollama server is and how much of a reply Factory reads, bound from <c>Factory:Ollama</c>.</summary>
public sealed class OllamaOptions
{
    /// <summary>The default of <see cref="MaxReplyBytes"/>: 4 MiB.</summary>
    public const long DefaultMaxReplyBytes = 4L * 1024 * 1024;

    /// <summary>The smallest <see cref="MaxReplyBytes"/> accepted: 64 KiB, well above any reply within the output caps.</summary>
    public const long MinMaxReplyBytes = 64 * 1024;

    /// <summary>The server's base URL (<c>Factory:Ollama:BaseUrl</c>, or <c>Factory__Ollama__BaseUrl</c>).</summary>
    /// <value>Defaults to <c>http://localhost:11434</c>, where <c>ollama serve</c> listens.</value>
    public string BaseUrl { get; set; } = "http://localhost:11434";

    /// <summary>
    /// The most bytes of one HTTP reply from the server (<c>Factory:Ollama:MaxReplyBytes</c>). A larger reply fails its
    /// call with a message naming this setting; reading stops at the cap, so a runaway or hostile reply cannot take
    /// Factory's memory. A reply within a stage's <see cref="StageModelOptions.MaxOutputTokens"/> is far smaller
    /// (about 30 KB for 4096 tokens, or a few hundred KB streamed).
    /// </summary>
    /// <value>Defaults to 4 MiB (<see cref="DefaultMaxReplyBytes"/>).</value>
    public long MaxReplyBytes { get; set; } = DefaultMaxReplyBytes;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when a value is unusable.</summary>
    public void Validate()
    {
        _ = GetBaseUri();
        if (MaxReplyBytes < MinMaxReplyBytes)
        {
            throw new ArgumentException($"Factory:Ollama:MaxReplyBytes is {MaxReplyBytes}; it must be at least {MinMaxReplyBytes} (64 KiB).");
        }
    }

    /// <summary>The base URL as an absolute http(s) URI ending in '/', or a clear error naming the setting.</summary>
    public Uri GetBaseUri()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Factory:Ollama:BaseUrl '{BaseUrl}' is not an http(s) URL such as http://localhost:11434.");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
