namespace Factory.Dataflow.Workspace;

/// <summary>
/// Resolves every symbolic link in a path, like POSIX realpath(3), without requiring the tail of the path to exist:
/// components that do not exist cannot be links, so they are appended as they are.
/// </summary>
internal static class RealPath
{
    private const int MaxLinkHops = 40;

    public static string Resolve(string absolutePath)
    {
        if (!Path.IsPathFullyQualified(absolutePath))
        {
            throw new ArgumentException($"'{absolutePath}' is not an absolute path.", nameof(absolutePath));
        }

        var pending = new LinkedList<string>(absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var current = "/";
        var hops = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var part = node.Value;
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"Too many levels of symbolic links resolving '{absolutePath}'.");
            }

            // The link's target replaces the link: its parts are resolved next, from the root when it is absolute.
            var targetParts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = targetParts.Length - 1; i >= 0; i--)
            {
                pending.AddFirst(targetParts[i]);
            }

            if (target.StartsWith('/'))
            {
                current = "/";
            }
        }

        return current;
    }

    public static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);
}
