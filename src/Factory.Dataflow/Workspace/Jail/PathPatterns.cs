namespace Factory.Dataflow.Workspace;

/// <summary>How the repository's path lists (protected, writable) match: a bare name matches at any depth, a path with '/' matches itself and what is under it.</summary>
internal static class PathPatterns
{
    public static bool Matches(string relative, string entry)
    {
        var trimmed = entry.Trim('/');
        if (trimmed.Length == 0)
        {
            return false;
        }

        return trimmed.Contains('/', StringComparison.Ordinal)
            ? relative == trimmed || relative.StartsWith(trimmed + "/", StringComparison.Ordinal)
            : relative.Split('/').Contains(trimmed, StringComparer.Ordinal);
    }

    public static bool MatchesAny(string relative, IEnumerable<string> entries) => entries.Any(e => Matches(relative, e));
}
