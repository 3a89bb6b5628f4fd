using System.Text.Json;
using Factory.Dataflow.Prompts;
using Microsoft.Extensions.AI;

namespace Factory.Dataflow.Chat;

public sealed partial class StageChat
{
    // Ollama's JSON mode ("format": "json") constrains the reply to JSON; the contract's shape is still checked on reading.
    private static readonly ChatOptions JsonMode = new() { ResponseFormat = ChatResponseFormat.Json };

    /// <summary>
    /// Asks for a JSON reply (JSON mode) and reads it with <paramref name="read"/>. When the reply cannot be read, asks
    /// once more in the same conversation with the exact error (a repair retry, counted); when that fails too, returns a
    /// malformed answer with the error, never a guessed value.
    /// </summary>
    /// <param name="context">The stage attempt: budget, usage.</param>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="read">Reads the reply's outermost JSON object; throws <see cref="ReplyFormatException"/> when its shape is wrong.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <exception cref="Budget.BudgetExceededException">A call could cross the budget.</exception>
    /// <exception cref="ModelCallException">A call could not be completed.</exception>
    public async Task<JsonAnswer<T>> AskJsonAsync<T>(
        StageContext context, IReadOnlyList<ChatMessage> messages, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var response = await GetResponseAsync(context, messages, JsonMode, cancellationToken).ConfigureAwait(false);
        return await ReadWithRepairAsync(context, messages, response, read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <paramref name="response"/> (the reply to <paramref name="messages"/>) with <paramref name="read"/>; when it
    /// cannot be read, makes the one repair call, in JSON mode without tools, and reads that.
    /// </summary>
    /// <exception cref="Budget.BudgetExceededException">The repair call could cross the budget.</exception>
    /// <exception cref="ModelCallException">The repair call could not be completed.</exception>
    public async Task<JsonAnswer<T>> ReadWithRepairAsync<T>(
        StageContext context,
        IReadOnlyList<ChatMessage> messages,
        ChatResponse response,
        Func<JsonElement, T> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(read);
        var text = response.Text;
        if (TryRead(text, read, out var value, out var error))
        {
            return JsonAnswer<T>.Ok(value, text);
        }

        context.Usage.AddRetry();
        context.Usage.SetExtra("repair_reason", error);
        List<ChatMessage> repair =
        [
            .. messages,
            new(ChatRole.Assistant, text),
            new(ChatRole.User, PromptLibrary.Render("repair", ("error", error))),
        ];
        response = await GetResponseAsync(context, repair, JsonMode, cancellationToken).ConfigureAwait(false);
        text = response.Text;
        if (TryRead(text, read, out value, out error))
        {
            return JsonAnswer<T>.Ok(value, text);
        }

        return JsonAnswer<T>.Malformed(
            $"{context.Stage.ToDisplayName()}'s reply could not be read after one repair attempt: {error}", text);
    }

    private static bool TryRead<T>(string text, Func<JsonElement, T> read, out T value, out string error)
    {
        try
        {
            value = read(JsonReply.ExtractObject(text));
            error = "";
            return true;
        }
        catch (ReplyFormatException ex)
        {
            value = default!;
            error = ex.Message;
            return false;
        }
    }
}
