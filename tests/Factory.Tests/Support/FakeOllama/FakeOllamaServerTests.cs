using Microsoft.Extensions.AI;
using OllamaSharp;

namespace Factory.Tests.Support.FakeOllama;

public class FakeOllamaServerTests
{
    [Fact]
    public async Task Streaming_chat_arrives_in_chunks_with_usage_at_the_end()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script("m", FakeReply.Text("a streamed reply", promptEvalCount: 7, evalCount: 9));
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        IChatClient client = new OllamaApiClient(http, "m");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.True(server.ChatRequests[0].Stream);
        Assert.True(updates.Count > 2);
        Assert.Equal("a streamed reply", response.Text);
        Assert.Equal(7, response.Usage?.InputTokenCount);
        Assert.Equal(9, response.Usage?.OutputTokenCount);
    }
}
