using System.Collections.Frozen;

namespace Factory.Dataflow.Workspace;

/// <summary>The jail's rules that hold for every role: configuration nobody may write, and modules nobody may shadow.</summary>
internal sealed partial record JailPolicy
{
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

        return writable ? null : ProtectedConfiguration.Reason(relative, Toolchain.Protection);
    }

    /// <summary>
    /// The module a new file at <paramref name="relative"/> would shadow, or null: a top-level module or package named
    /// like one in <see cref="ShadowedNames"/> in a folder the tools put on sys.path (the repository root, <c>src/</c>,
    /// a test folder, and any folder inside a test folder that has no <c>__init__.py</c>, which pytest inserts for the
    /// tests in it). A name the base commit already has there is the project's own, not a shadow.
    /// </summary>
    /// <param name="relative">The resolved path of the new file.</param>
    /// <param name="existsInWorktree">Whether a path (a file, a folder, or a module by that name) exists in the worktree now.</param>
    public string? ShadowedModule(string relative, Func<string, bool> existsInWorktree)
    {
        ArgumentNullException.ThrowIfNull(existsInWorktree);
        if (PathPatterns.MatchesAny(relative, Writable))
        {
            return null;
        }

        var segments = relative.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var parent = string.Join('/', segments[..i]);
            if (!IsImportRoot(parent, existsInWorktree))
            {
                continue;
            }

            var name = i == segments.Length - 1 ? ModuleName(segments[i]) : segments[i];
            if (name is not null && ShadowedNames.Contains(name) && !existsInWorktree(string.Join('/', segments[..(i + 1)])))
            {
                return name;
            }
        }

        return null;
    }

    private bool IsImportRoot(string folder, Func<string, bool> existsInWorktree)
    {
        if (folder is "" or "src")
        {
            return true;
        }

        if (!IsUnderTestFolder(folder))
        {
            return false;
        }

        // The test folder itself always; a folder inside it when it is not a package (pytest's default "prepend" import mode).
        var parent = folder.Contains('/', StringComparison.Ordinal) ? folder[..folder.LastIndexOf('/')] : "";
        return !IsUnderTestFolder(parent) || !existsInWorktree(folder + "/__init__.py");
    }

    private string? ModuleName(string fileName)
    {
        var dot = fileName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        var extension = fileName[fileName.LastIndexOf('.')..];
        return Toolchain.Files.ModuleExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase) ? fileName[..dot] : null;
    }
}
