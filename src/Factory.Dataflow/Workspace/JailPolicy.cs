using Factory.Dataflow.Toolchains;

namespace Factory.Dataflow.Workspace;

/// <summary>What the jailed writer allows in one worktree.</summary>
/// <param name="TestFolders">The test folders, relative (e.g. <c>tests</c>, <c>app/tests</c>): <see cref="Gates.GateConfig.EffectiveTestFolders"/>.</param>
/// <param name="ProtectedPaths">Gate configuration nobody may write; an entry without '/' matches that name at any depth.</param>
/// <param name="MaxFileBytes">The largest content accepted, in UTF-8 bytes.</param>
/// <param name="MaxFiles">The most files accepted in one batch.</param>
internal sealed partial record JailPolicy(IReadOnlyList<string> TestFolders, IReadOnlyList<string> ProtectedPaths, int MaxFileBytes, int MaxFiles)
{
    /// <summary>The repository's toolchain: which names are tests and modules, and which files configure its tools.</summary>
    public required IToolchain Toolchain { get; init; }

    public bool IsUnderTestFolder(string relative) =>
        TestFolders.Any(folder => relative == folder || relative.StartsWith(folder + "/", StringComparison.Ordinal));

    public bool IsProtected(string relative)
    {
        var segments = relative.Split('/');
        foreach (var entry in ProtectedPaths)
        {
            var trimmed = entry.Trim('/');
            if (!trimmed.Contains('/', StringComparison.Ordinal))
            {
                if (segments.Contains(trimmed, StringComparer.Ordinal))
                {
                    return true;
                }
            }
            else if (relative == trimmed || relative.StartsWith(trimmed + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a name the toolchain's test runner collects (see <see cref="IToolchainFiles.IsTestFileName"/>).</summary>
    public bool IsTestFileName(string relative) => Toolchain.Files.IsTestFileName(relative);
}
