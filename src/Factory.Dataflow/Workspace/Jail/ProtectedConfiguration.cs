using Factory.Dataflow.Toolchains;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// Files that decide which tool runs or how it judges, protected from BUILD and TEST at any depth whatever the
/// repository's <c>protectedPaths</c> say (only its <c>writable</c> list may open one, and never Factory's own settings):
/// Factory's own settings (<c>.factory/</c>, <c>appsettings*.json</c>), git's control files (<c>.gitattributes</c>,
/// <c>.gitignore</c>, <c>.gitmodules</c>) and what the repository's toolchain protects
/// (<see cref="IToolchainProtection.Reason"/>).
/// </summary>
internal static class ProtectedConfiguration
{
    private static readonly HashSet<string> s_gitNames = new(StringComparer.OrdinalIgnoreCase) { ".gitattributes", ".gitignore", ".gitmodules" };

    /// <summary>Factory's own settings: never writable, whatever the repository's configuration says.</summary>
    public static bool IsFactorySetting(string relative)
    {
        var segments = relative.Split('/');
        var name = segments[^1];
        return segments.Contains(".factory", StringComparer.OrdinalIgnoreCase) ||
            (name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why <paramref name="relative"/> configures the tools or their judgement, or null when it does not.</summary>
    public static string? Reason(string relative, IToolchainProtection toolchain)
    {
        if (IsFactorySetting(relative))
        {
            return "Factory's own settings";
        }

        var name = relative[(relative.LastIndexOf('/') + 1)..];
        return s_gitNames.Contains(name) ? $"{name} configures the tools or how they judge" : toolchain.Reason(relative);
    }
}
