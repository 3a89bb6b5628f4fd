using Factory.Dataflow.Stages.Scout;

namespace Factory.Tests.Stages;

/// <summary>SCOUT sees source, not noise: a long module comes back as its definitions with line numbers, a region by line, binaries are not listed.</summary>
public sealed class ScoutOutlineTests
{
    [Fact]
    public async Task A_long_module_is_summarised_by_its_top_level_definitions_and_a_region_can_be_read_by_line()
    {
        var body = string.Concat(Enumerable.Range(1, 400).Select(i => $"def handler_{i}(x: int) -> int:\n    return x + {i}\n\n\n"));
        await using var workspace = new TempFolderWorkspace(("app/big.py", "import os\n\n\nclass Service:\n    pass\n\n\n" + body), ("app/logo.png", "\u0089PNG"));
        var tools = new ScoutTools(new WorktreeFiles(workspace), new ScoutToolOptions { MaxReadChars = 2000 });

        var outline = await tools.ReadFile("app/big.py");
        var region = await tools.ReadFile("app/big.py", startLine: 8);
        var listing = await tools.ListFiles("app");

        Assert.StartsWith("(long file:", outline);
        Assert.Contains("4: class Service:", outline);
        Assert.Contains("8: def handler_1(x: int) -> int:", outline);
        Assert.DoesNotContain("return x + 1\n", outline);
        Assert.StartsWith("(lines 8-", region);
        Assert.Contains("def handler_1(x: int) -> int:\n    return x + 1", region);
        Assert.Contains("big.py", listing);
        Assert.DoesNotContain("logo.png", listing);
    }
}
