namespace Factory.Dataflow.Toolchains;

/// <summary>
/// What a toolchain finds in a repository without running anything: whether the repository is one of its language's,
/// the facts SCOUT and TEST quote (<see cref="ToolchainProject"/>), and the gate configuration it would propose when
/// none is committed (what <c>factory init</c> writes, see <see cref="Gates.GateConfigResolver"/>).
/// </summary>
public interface IToolchainDetection
{
    /// <summary>True when <paramref name="files"/> show a project of this language (e.g. a <c>.py</c> file).</summary>
    /// <param name="root">The repository's folder.</param>
    /// <param name="files">The repository-relative files to judge ('/' separators), or null to read what is on disk under <paramref name="root"/>.</param>
    bool Recognises(string root, IEnumerable<string>? files);

    /// <summary>The facts about the repository at <paramref name="root"/> and the gate configuration they suggest.</summary>
    /// <param name="root">The repository's folder.</param>
    /// <param name="files">The repository-relative files to read ('/' separators), or null to read what is on disk under <paramref name="root"/>.</param>
    ToolchainProject Detect(string root, IEnumerable<string>? files);
}
