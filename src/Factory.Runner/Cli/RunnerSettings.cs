namespace Factory.Runner.Cli;

/// <summary>What a command's options put on top of the configuration files and the environment (the command line).</summary>
/// <param name="Repository">The repository to change (<c>--repo</c>), or null.</param>
/// <param name="RunsDirectory">Where run directories and the journal go (<c>--runs</c>), or null.</param>
/// <param name="OllamaUrl">The Ollama server (<c>--ollama</c>), or null for the configured one.</param>
/// <param name="ReplayCassette">A cassette to replay instead of asking a server, or null.</param>
/// <param name="StateDirectory">Where worktrees live, or null for the default.</param>
/// <param name="RecordCassette">A cassette to record every model call into, or null.</param>
/// <param name="Set">Settings given with <c>--set KEY=VALUE</c> (weaker than the named options above), or null.</param>
internal sealed record RunnerSettings(
    string? Repository,
    string? RunsDirectory,
    string? OllamaUrl,
    string? ReplayCassette = null,
    string? StateDirectory = null,
    string? RecordCassette = null,
    IReadOnlyList<KeyValuePair<string, string?>>? Set = null)
{
    /// <summary>The settings as configuration keys, the last and strongest configuration source.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration()
    {
        foreach (var setting in Set ?? [])
        {
            yield return setting;
        }

        if (Repository is not null)
        {
            yield return new("Factory:Workspace:RepositoryPath", Path.GetFullPath(Repository));
        }

        if (RunsDirectory is not null)
        {
            yield return new("Factory:Pipeline:RunsDirectory", Path.GetFullPath(RunsDirectory));
        }

        if (OllamaUrl is not null)
        {
            yield return new("Factory:Ollama:BaseUrl", OllamaUrl);
        }

        if (ReplayCassette is not null)
        {
            yield return new("Factory:ReplayCassette", ReplayCassette);
        }

        if (StateDirectory is not null)
        {
            yield return new("Factory:Workspace:StateDirectory", StateDirectory);
        }
    }
}
