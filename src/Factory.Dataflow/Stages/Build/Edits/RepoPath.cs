namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>One spelling of a repository-relative path for comparing what BUILD names with what SCOUT cited.</summary>
internal static class RepoPath
{
    /// <summary>"./app\main.py" and "app/main.py" both become "app/main.py".</summary>
    public static string Normalize(string path)
    {
        var cleaned = (path ?? "").Trim().Replace('\\', '/');
        while (cleaned.StartsWith("./", StringComparison.Ordinal))
        {
            cleaned = cleaned[2..];
        }

        return cleaned;
    }
}
