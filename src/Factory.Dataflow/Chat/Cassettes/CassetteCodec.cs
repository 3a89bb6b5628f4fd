using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Chat.Cassettes;

/// <summary>Converts between M.E.AI messages and cassette records, and reads cassette files (<see cref="CassetteAppender"/> writes them).</summary>
internal static class CassetteCodec
{
    public static CassetteRequest ToRecord(IEnumerable<ChatMessage> messages, ChatOptions? options) => new()
    {
        Model = options?.ModelId,
        Temperature = options?.Temperature,
        MaxOutputTokens = options?.MaxOutputTokens,
        ResponseFormat = options?.ResponseFormat switch
        {
            ChatResponseFormatJson => "json",
            ChatResponseFormatText => "text",
            _ => null,
        },
        Tools = [.. (options?.Tools ?? []).Select(t => t.Name)],
        Messages = [.. messages.Select(ToRecord)],
    };

    public static CassetteResponse ToRecord(ChatResponse response, string? servedBy) => new()
    {
        Model = response.ModelId,
        ServedBy = servedBy,
        Message = ToRecord(new ChatMessage(ChatRole.Assistant, [.. response.Messages.SelectMany(m => m.Contents)])),
        InputTokens = response.Usage?.InputTokenCount,
        OutputTokens = response.Usage?.OutputTokenCount,
        FinishReason = response.FinishReason?.Value,
    };

    public static ChatResponse ToResponse(CassetteResponse record, string servedBy)
    {
        var response = new ChatResponse(ToMessage(record.Message))
        {
            ModelId = record.Model,
            FinishReason = record.FinishReason is null ? null : new ChatFinishReason(record.FinishReason),
            Usage = record.InputTokens is null && record.OutputTokens is null
                ? null
                : new UsageDetails { InputTokenCount = record.InputTokens, OutputTokenCount = record.OutputTokens },
            AdditionalProperties = new() { [StageChat.ServedByProperty] = servedBy },
        };
        return response;
    }

    /// <summary>A digest of everything that shapes a reply, so a replay answers only the request that was recorded.</summary>
    public static string Key(CassetteRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));

    public static CassetteFile Load(string path)
    {
        CassetteFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CassetteFile>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The cassette {path} is not valid JSON: {ex.Message}", ex);
        }

        if (file is null || file.Format != CassetteFile.CurrentFormat)
        {
            throw new InvalidDataException($"The file {path} is not a {CassetteFile.CurrentFormat} cassette.");
        }

        return file;
    }

    private static CassetteMessage ToRecord(ChatMessage message) => new()
    {
        Role = message.Role.Value,
        Parts = [.. message.Contents.Select(ToRecord).OfType<CassettePart>()],
    };

    private static CassettePart? ToRecord(AIContent content) => content switch
    {
        TextContent text => new CassettePart { Type = "text", Text = text.Text },
        FunctionCallContent call => new CassettePart
        {
            Type = "call",
            CallId = call.CallId,
            Name = call.Name,
            Arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions),
        },
        FunctionResultContent result => new CassettePart
        {
            Type = "result",
            CallId = result.CallId,
            Text = result.Result as string ?? JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions),
        },
        _ => null,
    };

    private static ChatMessage ToMessage(CassetteMessage record) => new(
        new ChatRole(record.Role),
        [.. record.Parts.Select(ToContent)]);

    private static AIContent ToContent(CassettePart part) => part.Type switch
    {
        "call" => new FunctionCallContent(
            part.CallId ?? "",
            part.Name ?? "",
            part.Arguments is { } args ? args.Deserialize<Dictionary<string, object?>>(AIJsonUtilities.DefaultOptions) : null),
        "result" => new FunctionResultContent(part.CallId ?? "", part.Text),
        _ => new TextContent(part.Text ?? ""),
    };
}
