using System.Xml.Linq;

namespace Factory.Dataflow.Gates.Baseline;

/// <summary>
/// Line coverage from coverage.py's report: per measured file, the statement lines and those that ran. Test files
/// are left out (they would count their own lines as covered).
/// </summary>
public sealed record CoverageData
{
    /// <summary>Per file (relative path): the lines that are statements, and the ones of them that ran.</summary>
    public required IReadOnlyDictionary<string, FileCoverage> Files { get; init; }

    private static long Number(XElement element, string attribute) =>
        long.TryParse((string?)element.Attribute(attribute), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : 0;

    /// <summary>Statement lines that ran, in percent of all statement lines; 100 when there are none.</summary>
    public double TotalPercent
    {
        get
        {
            var statements = Files.Values.Sum(f => f.Statements.Count);
            return statements == 0 ? 100 : 100.0 * Files.Values.Sum(f => f.Executed.Count) / statements;
        }
    }

    /// <summary>
    /// Reads coverage.py's Cobertura XML report (pytest-cov's <c>--cov-report=xml:PATH</c>, which every pytest-cov
    /// version has): each file's statement lines with their hit counts, named relative to one of the report's source
    /// folders. Null when the file is missing or unreadable.
    /// </summary>
    /// <param name="path">The report.</param>
    /// <param name="root">The folder pytest ran in: file names are made relative to it.</param>
    /// <param name="isTestFile">Which files to leave out.</param>
    internal static CoverageData? TryRead(string path, string root, Func<string, bool> isTestFile)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var document = XDocument.Load(path, LoadOptions.None);
            var sources = document.Descendants("source").Select(s => s.Value.Trim()).Where(s => s.Length > 0).ToList();
            var files = new Dictionary<string, FileCoverage>(StringComparer.Ordinal);
            foreach (var file in document.Descendants("class"))
            {
                var name = (string?)file.Attribute("filename") ?? "";
                var full = sources.Select(s => Path.GetFullPath(Path.Combine(s, name))).FirstOrDefault(File.Exists)
                    ?? Path.GetFullPath(Path.Combine(root, name));
                var relative = Path.GetRelativePath(root, full).Replace('\\', '/');
                if (relative.StartsWith("../", StringComparison.Ordinal) || isTestFile(relative))
                {
                    continue;
                }

                var lines = file.Descendants("line")
                    .Select(l => (Number: Number(l, "number"), Hits: Number(l, "hits")))
                    .Where(l => l.Number > 0)
                    .Select(l => (Number: (int)l.Number, l.Hits))
                    .ToList();
                var statements = lines.Select(l => l.Number).Distinct().Order().ToList();
                var executed = lines.Where(l => l.Hits > 0).Select(l => l.Number).Distinct().Order().ToList();
                files[relative] = files.TryGetValue(relative, out var earlier)
                    ? new FileCoverage([.. earlier.Statements.Union(statements).Order()], [.. earlier.Executed.Union(executed).Order()])
                    : new FileCoverage(statements, executed);
            }

            return new CoverageData { Files = files };
        }
        catch (Exception exception) when (exception is System.Xml.XmlException or IOException)
        {
            return null;
        }
    }
}

/// <summary>One file's line coverage.</summary>
/// <param name="Statements">The lines coverage.py counts as statements.</param>
/// <param name="Executed">The statement lines that ran.</param>
public sealed record FileCoverage(IReadOnlyList<int> Statements, IReadOnlyList<int> Executed);
