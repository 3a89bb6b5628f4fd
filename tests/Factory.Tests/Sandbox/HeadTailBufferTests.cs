using Factory.Dataflow.Sandbox;

namespace Factory.Tests.Sandbox;

public sealed class HeadTailBufferTests
{
    [Fact]
    public void Output_within_the_cap_is_kept_exactly()
    {
        var buffer = new HeadTailBuffer(100);
        buffer.Append("line one\n");
        buffer.Append("line two\n");

        Assert.Equal("line one\nline two\n", buffer.ToString());
    }

    [Fact]
    public void Output_over_the_cap_keeps_head_and_tail_and_says_how_much_was_dropped()
    {
        var buffer = new HeadTailBuffer(20);
        buffer.Append("HEAD-1234|");
        for (var i = 0; i < 1000; i++)
        {
            buffer.Append("middle");
        }

        buffer.Append("|TAIL-5678");

        var text = buffer.ToString();
        Assert.StartsWith("HEAD-1234|", text);
        Assert.EndsWith("|TAIL-5678", text);
        Assert.Contains($"[{6000} characters omitted]", text);
    }
}
