namespace Factory.Dataflow.Chat;

/// <summary>Where the Ollama server is, bound from <c>Factory:Ollama</c>.</summary>
public sealed class OllamaOptions
{
    /// <summary>The server's base URL (<c>Factory:Ollama:BaseUrl</c>, or <c>Factory__Ollama__BaseUrl</c>).</summary>
    /// <value>Defaults to <c>http://localhost:11434</c>, where <c>ollama serve</c> listens.</value>
    public string BaseUrl { get; set; } = "http://localhost:11434";

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
