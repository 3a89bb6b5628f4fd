using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Toolchains.Python.Gates.Baseline;
using Factory.Tests.Support;

namespace Factory.Tests.Gates.Baseline;

public sealed class FindingParserTests
{
    [Fact]
    public void A_finding_keeps_its_fingerprint_when_lines_above_it_move_and_mypy_notes_stay_with_their_error()
    {
        using var root = new TempDirectory("factory-findings");
        File.WriteAllText(Path.Combine(root.Path, "m.py"), "import os\nx: int = 'a'\n");
        var before = FindingParser.Parse(
            "m.py:1:8: F401 [*] `os` imported but unused\nm.py:2: error: Incompatible types in assignment  [assignment]\n" +
            "m.py:2: note: See https://mypy.rtfd.io\nFound 2 errors in 1 file (checked 1 source file)\n",
            root.Path);
        File.WriteAllText(Path.Combine(root.Path, "m.py"), "\"\"\"Doc.\"\"\"\n\nimport os\nx: int = 'a'\n");
        var after = FindingParser.Parse(
            "m.py:3:8: F401 [*] `os` imported but unused\nm.py:4: error: Incompatible types in assignment  [assignment]\n" +
            "m.py:4: note: See https://mypy.rtfd.io\n",
            root.Path);

        Assert.Equal(2, before.Count);
        Assert.Equal(before.Select(f => f.Fingerprint), after.Select(f => f.Fingerprint));
        Assert.Equal("m.py:4: error: Incompatible types in assignment  [assignment]\nm.py:4: note: See https://mypy.rtfd.io", after[1].Text);
        var (added, known) = FindingComparison.Compare([.. before.Select(f => f.Fingerprint)], after);
        Assert.Empty(added);
        Assert.Equal(2, known);
    }

    [Fact]
    public void A_second_copy_of_a_known_finding_is_new()
    {
        using var root = new TempDirectory("factory-findings");
        File.WriteAllText(Path.Combine(root.Path, "m.py"), "import os\nimport os\n");
        var findings = FindingParser.Parse("m.py:1:8: F401 `os` imported but unused\nm.py:2:8: F401 `os` imported but unused\n", root.Path);

        var (added, known) = FindingComparison.Compare([findings[0].Fingerprint], findings);

        Assert.Equal(1, known);
        Assert.Equal("m.py:2:8: F401 `os` imported but unused", Assert.Single(added).Text);
    }
}
