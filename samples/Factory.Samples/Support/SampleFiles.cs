namespace Factory.Samples.Support;

/// <summary>Where the samples find the cassette and the sample app.</summary>
public static class SampleFiles
{
    /// <summary>
    /// The recorded model replies every sample replays, copied next to the program. They were recorded once from the
    /// standard stages against a scripted Ollama-compatible server (see Cassettes/README.md); no model runs here.
    /// </summary>
    public static string CassettePath => Path.Combine(AppContext.BaseDirectory, "Cassettes", "replies.cassette.json");

    /// <summary>The two requests the cassette holds replies for.</summary>
    public const string HealthRequest = "add a /health endpoint returning status ok";

    /// <inheritdoc cref="HealthRequest"/>
    public const string VersionRequest = "add a /version endpoint returning the app version";

    /// <summary>The Factory repository's root (where Factory.sln is), found above the running program.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Factory.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"Factory.sln not found above {AppContext.BaseDirectory}; run the samples from the Factory repository.");
    }
}
