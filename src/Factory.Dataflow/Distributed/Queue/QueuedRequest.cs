using System.Text.Json;
using System.Text.Json.Serialization;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// A request as it travels through the queue: what to build, where the shared remote is, and the commit it must be
/// built on, so every worker builds the same thing whatever its mirror held when the request arrived.
/// </summary>
/// <param name="Id">The request id: names the branch and the outcome ref, and is the queue's message id.</param>
/// <param name="Text">What the user asked for.</param>
/// <param name="Remote">
/// The git remote (URL or path) the publisher meant, for logs and reports; a worker pushes to the remote it was
/// configured with (one spelling of a remote, ssh or https, is as good as another).
/// </param>
/// <param name="BaseCommit">The full commit id the change is built on.</param>
public sealed record QueuedRequest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("remote")] string Remote,
    [property: JsonPropertyName("base")] string BaseCommit)
{
    private static readonly JsonSerializerOptions Json = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    /// <summary>The request the pipeline runs.</summary>
    public FeatureRequest ToFeatureRequest() => new(Id, Text);

    /// <summary>The message body: UTF-8 JSON.</summary>
    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a message body back; a body that is not a usable request gives null and says why.</summary>
    public static QueuedRequest? TryDecode(ReadOnlySpan<byte> body, out string? problem)
    {
        QueuedRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<QueuedRequest>(body, Json);
        }
        catch (JsonException exception)
        {
            problem = $"the body is not a JSON request ({exception.Message})";
            return null;
        }

        problem = request switch
        {
            null => "the body is JSON null",
            { Id: null } or { Text: null } or { Remote: null } or { BaseCommit: null } => "the body lacks one of id, text, remote and base",
            _ when FeatureRequest.ExplainInvalidId(request.Id) is { } why => $"the id '{request.Id}' is not usable: {why}",
            _ when string.IsNullOrWhiteSpace(request.Text) => "the text is empty",
            _ when !IsCommitId(request.BaseCommit) => $"the base '{request.BaseCommit}' is not a full commit id",
            _ => null,
        };
        return problem is null ? request : null;
    }

    /// <summary>True for a full SHA-1 or SHA-256 commit id in lower-case hex.</summary>
    public static bool IsCommitId(string? text) =>
        text is { Length: 40 or 64 } && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
