using System.Text.RegularExpressions;

namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// The definitions of a Python module (classes, functions and the methods directly in a class), as 1-based line numbers:
/// the map BUILD gets of a file too long to show whole, so it knows what is where.
/// </summary>
internal static partial class PythonOutline
{
    /// <summary>Whether <paramref name="path"/> is a Python source file.</summary>
    public static bool Applies(string path) => path.EndsWith(".py", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pyi", StringComparison.OrdinalIgnoreCase);

    /// <summary>The line numbers of definitions at the top level or one level in, in order.</summary>
    public static IEnumerable<int> Definitions(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        for (var i = 0; i < lines.Count; i++)
        {
            var match = Definition().Match(lines[i]);
            if (match.Success && match.Groups[1].Value.Replace("\t", "    ", StringComparison.Ordinal).Length <= 4)
            {
                yield return i + 1;
            }
        }
    }

    [GeneratedRegex(@"^([ \t]*)(?:async[ \t]+def|def|class)[ \t]+\w")]
    private static partial Regex Definition();
}
