using Factory.Dataflow;

namespace Factory.Tests.Graph;

public sealed class FeatureRequestTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("-leading-dash", "must start with a letter or a digit")]
    [InlineData("has space", "' ' is not allowed")]
    [InlineData("a/b", "'/' is not allowed")]
    [InlineData("a..b", "git does not accept")]
    [InlineData("name.lock", "git does not accept")]
    public void An_unusable_id_is_refused_with_the_reason(string id, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new FeatureRequest(id, "add a /health endpoint"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_text_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new FeatureRequest("ok", "   "));
    }

    [Fact]
    public void An_id_from_text_is_stable_and_usable_as_a_branch_name()
    {
        var first = FeatureRequest.FromText("Add a /health endpoint returning {\"status\": \"ok\"}");
        var again = FeatureRequest.FromText("Add a /health endpoint returning {\"status\": \"ok\"}");

        Assert.Equal(first.Id, again.Id);
        Assert.StartsWith("add-a-health-endpoint-returning-status-o", first.Id, StringComparison.Ordinal);
        Assert.Null(FeatureRequest.ExplainInvalidId(first.Id));
    }
}
