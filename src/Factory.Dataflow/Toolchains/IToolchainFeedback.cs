namespace Factory.Dataflow.Toolchains;

/// <summary>
/// How BUILD reads the language's files and its tools' output: the outline of a file too long to show whole, which
/// lines of gate output are noise to BUILD, and which lines of a file the output points at.
/// </summary>
public interface IToolchainFeedback
{
    /// <summary>
    /// The 1-based line numbers of the definitions (e.g. classes and functions) in <paramref name="lines"/>, the map BUILD
    /// gets of a file too long to show whole; empty when <paramref name="path"/> is not a file the toolchain can outline.
    /// </summary>
    /// <param name="path">The file's repository-relative path.</param>
    /// <param name="lines">Its lines, without line breaks.</param>
    IEnumerable<int> Outline(string path, IReadOnlyList<string> lines);

    /// <summary>
    /// Whether <paramref name="line"/> of gate output opens a section of a tool's report: true when the section is noise
    /// to BUILD (dropped up to the next section), false when it is kept, null when the line opens no section.
    /// </summary>
    bool? OpensNoiseSection(string line);

    /// <summary>True for a single line of gate output BUILD cannot act on (a session header, progress, a fully covered file).</summary>
    bool IsNoise(string line);

    /// <summary>The line numbers of <paramref name="path"/> that <paramref name="feedback"/> names (e.g. <c>app/main.py:12</c>), in order.</summary>
    IEnumerable<int> Locations(string path, string feedback);
}
