using Factory.Dataflow.Chat;

namespace Factory.Tests.Chat;

public class JsonReplyTests
{
    [Theory]
    [InlineData("{\"a\": 1}")]
    [InlineData("Sure! Here is the JSON you asked for:\n{\"a\": 1}\nLet me know if you need more.")]
    [InlineData("```json\n{\"a\": 1}\n```")]
    [InlineData("The route is /items/{id}. Answer: {\"a\": 1, \"b\": {\"c\": 2}}")]
    [InlineData("{\"a\": 1,}")]
    public void Prose_wrapped_json_parses_to_the_outermost_object(string reply)
    {
        var root = JsonReply.ExtractObject(reply);

        Assert.Equal(1, root.GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData("", "the reply is empty")]
    [InlineData("I cannot help with that.", "the reply contains no JSON object")]
    [InlineData("{\"a\": 1", "the reply is not valid JSON")]
    public void A_reply_without_a_json_object_says_why(string reply, string expected)
    {
        var error = Assert.Throws<ReplyFormatException>(() => JsonReply.ExtractObject(reply));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void A_single_string_is_accepted_as_a_list_of_one()
    {
        var root = JsonReply.ExtractObject("{\"reasons\": \"looks fine\"}");

        Assert.Equal(["looks fine"], JsonReply.StringList(root, "reasons"));
    }
}
