using System.Collections.Frozen;

namespace Factory.Dataflow.Workspace;

/// <summary>The jail's rules that hold for every role: configuration nobody may write, and modules nobody may shadow.</summary>
internal sealed partial record JailPolicy
{
    private static readonly string[] s_moduleExtensions = [".py", ".pyi", ".pyc", ".so", ".pyd"];

    /// <summary>Paths the repository's gate configuration opens to BUILD and TEST although they configure tools (never Factory's own settings).</summary>
    public IReadOnlyList<string> Writable { get; init; } = [];

    /// <summary>Top-level module names a new file may not take (see <see cref="ShadowedModules"/>).</summary>
    public FrozenSet<string> ShadowedNames { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Why nobody may write <paramref name="relative"/> (configuration that decides how the change is judged), or null.</summary>
    public string? ConfigurationReason(string relative)
    {
        if (ProtectedConfiguration.IsFactorySetting(relative))
        {
            return "Factory's own settings";
        }

        var writable = PathPatterns.MatchesAny(relative, Writable);
        if (IsProtected(relative) && !writable)
        {
            return "listed in protectedPaths";
        }

        return writable ? null : ProtectedConfiguration.Reason(relative);
    }

    /// <summary>
    /// The module a new file at <paramref name="relative"/> would shadow, or null: a top-level module or package named
    /// like one in <see cref="ShadowedNames"/> at a root the tools import from (the repository root, <c>src/</c>, and
    /// any folder of a test folder, which pytest may put on sys.path). A name the base commit already has there is the
    /// project's own, not a shadow.
    /// </summary>
    public string? ShadowedModule(string relative, Func<string, bool> existsInWorktree)
    {
        if (PathPatterns.MatchesAny(relative, Writable))
        {
            return null;
        }

        var segments = relative.Split('/');
        foreach (var start in ImportRootDepths(segments))
        {
            for (var i = start; i < segments.Length; i++)
            {
                var isFile = i == segments.Length - 1;
                var name = isFile ? ModuleName(segments[i]) : segments[i];
                var location = string.Join('/', segments[..(i + 1)]);
                if (name is not null && ShadowedNames.Contains(name) && !existsInWorktree(location))
                {
                    return name;
                }

                // Below the repository root and src/, only the first segment is a top-level name; in a test folder every folder may be a root.
                if (!IsUnderTestFolder(string.Join('/', segments[..(i + 1)])))
                {
                    break;
                }
            }
        }

        return null;
    }

    private IEnumerable<int> ImportRootDepths(string[] segments)
    {
        yield return 0;
        if (segments.Length > 1 && segments[0] == "src")
        {
            yield return 1;
        }

        for (var i = 1; i < segments.Length; i++)
        {
            if (IsUnderTestFolder(string.Join('/', segments[..i])))
            {
                yield return i;
                yield break;
            }
        }
    }

    private static string? ModuleName(string fileName)
    {
        var dot = fileName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        var extension = fileName[fileName.LastIndexOf('.')..];
        return s_moduleExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase) ? fileName[..dot] : null;
    }
}
