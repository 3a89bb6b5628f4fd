using Factory.Dataflow.Gates.Baseline;

namespace Factory.Tests.Gates.Baseline;

public sealed class PatchLinesTests
{
    [Fact]
    public void Added_lines_are_read_by_hunk_counts_so_content_that_looks_like_a_header_is_content()
    {
        const string diff = """
            diff --git a/app/main.py b/app/main.py
            index 1111111..2222222 100644
            --- a/app/main.py
            +++ b/app/main.py
            @@ -1,3 +1,5 @@
             a = 1
            -b = 2
            +b = 3
            ++++ b/etc/passwd
            +diff --git a/x b/x
             c = 3
            diff --git a/"caf\303\251.py" b/"caf\303\251.py"
            new file mode 100644
            --- /dev/null
            +++ "b/caf\303\251.py"
            @@ -0,0 +1 @@
            +x = 1
            """;

        var lines = PatchLines.Read(diff.Replace("\r", ""));

        Assert.Equal(["app/main.py", "café.py"], lines.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([2, 3, 4], lines["app/main.py"].Order());
        Assert.Equal([1], lines["café.py"]);
    }
}
