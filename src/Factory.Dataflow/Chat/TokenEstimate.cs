using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Chat;

/// <summary>
/// An upper bound on a prompt's tokens, used for the budget's worst case before a call. Ollama's models use byte-level
/// tokenizers, where every token stands for at least one byte, so the UTF-8 byte count bounds the text's tokens; a
/// fixed allowance covers the chat template's special tokens. It overestimates by 3-4x on English and code, which is the
/// point: a budget that must never be crossed is checked against the worst case, not the likely one.
/// </summary>
public static class TokenEstimate
{
    /// <summary>Template tokens per message (role markers, separators).</summary>
    public const int PerMessage = 8;

    /// <summary>Template tokens per request (start of the assistant turn, and a margin).</summary>
    public const int PerRequest = 32;

    /// <summary>Extra allowance when tools are declared: templates add a tool-use preamble around the declarations.</summary>
    public const int ToolPreamble = 512;

    /// <summary>The most tokens <paramref name="messages"/> (and the tools in <paramref name="options"/>) can be.</summary>
    public static long WorstCasePromptTokens(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long total = PerRequest;
        foreach (var message in messages)
        {
            total += PerMessage;
            foreach (var content in message.Contents)
            {
                total += content switch
                {
                    TextContent text => Encoding.UTF8.GetByteCount(text.Text),
                    FunctionCallContent call => Encoding.UTF8.GetByteCount(call.Name) +
                        Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)),
                    FunctionResultContent result => Encoding.UTF8.GetByteCount(
                        JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions)),
                    _ => Encoding.UTF8.GetByteCount(content.ToString() ?? ""),
                };
            }
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            total += ToolPreamble;
            foreach (var tool in tools)
            {
                total += Encoding.UTF8.GetByteCount(tool.Name) + Encoding.UTF8.GetByteCount(tool.Description);
                if (tool is AIFunctionDeclaration function)
                {
                    total += Encoding.UTF8.GetByteCount(function.JsonSchema.GetRawText());
                }
            }
        }

        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            total += Encoding.UTF8.GetByteCount(schema.GetRawText());
        }

        return total;
    }
}
