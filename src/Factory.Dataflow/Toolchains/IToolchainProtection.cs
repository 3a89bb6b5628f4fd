namespace Factory.Dataflow.Toolchains;

/// <summary>
/// The files of a language's tools that decide which tool runs or how it judges: BUILD and TEST may never write them
/// (unless a gate configuration's <c>writable</c> list opens one), whatever the configuration's <c>protectedPaths</c> say.
/// </summary>
public interface IToolchainProtection
{
    /// <summary>The <c>protectedPaths</c> a gate configuration that lists none uses (besides <c>.factory</c>).</summary>
    IReadOnlyList<string> DefaultProtectedPaths { get; }

    /// <summary>Why <paramref name="relative"/> configures the tools or their judgement, or null when it does not.</summary>
    string? Reason(string relative);
}
