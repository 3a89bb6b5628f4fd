using System.Xml;
using Factory.Dataflow.Gates.Baseline;

namespace Factory.Dataflow.Toolchains.Python.Gates.Baseline;

/// <summary>
/// Reads pytest's JUnit XML report (<c>--junitxml</c>): every test's outcome by its id, <c>classname::name</c>
/// (<c>tests.test_main::test_root</c>, parameters included), which is the same on the base commit and the change.
/// A collection error is a test of its own, named after the module.
/// </summary>
internal static class JunitReport
{
    public static IReadOnlyDictionary<string, TestOutcome>? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var outcomes = new Dictionary<string, TestOutcome>(StringComparer.Ordinal);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };
        try
        {
            using var reader = XmlReader.Create(path, settings);
            string? id = null;
            var outcome = TestOutcome.Passed;
            var depth = 0;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "testcase")
                {
                    Record(outcomes, id, outcome);
                    id = $"{reader.GetAttribute("classname")}::{reader.GetAttribute("name")}";
                    outcome = TestOutcome.Passed;
                    depth = reader.Depth;
                    if (reader.IsEmptyElement)
                    {
                        Record(outcomes, id, outcome);
                        id = null;
                    }
                }
                else if (id is not null && reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
                {
                    outcome = (TestOutcome)Math.Max((int)outcome, (int)(reader.LocalName switch
                    {
                        "failure" => TestOutcome.Failed,
                        "error" => TestOutcome.Error,
                        "skipped" => TestOutcome.Skipped,
                        _ => TestOutcome.Passed,
                    }));
                }
                else if (id is not null && reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "testcase" && reader.Depth == depth)
                {
                    Record(outcomes, id, outcome);
                    id = null;
                }
            }
        }
        catch (XmlException)
        {
            // A report cut short (pytest killed at its time limit) is no report.
            return null;
        }

        return outcomes;
    }

    private static void Record(Dictionary<string, TestOutcome> outcomes, string? id, TestOutcome outcome)
    {
        if (id is not null)
        {
            outcomes[id] = outcomes.TryGetValue(id, out var earlier) && earlier > outcome ? earlier : outcome;
        }
    }
}
