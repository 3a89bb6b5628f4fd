using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Factory.Dataflow.Tracing;

/// <summary>Turns a <see cref="TraceEvent"/> into one line of JSON.</summary>
public static class TraceEventSerializer
{
    private static readonly JsonSerializerOptions ValueOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The event as compact UTF-8 JSON, without the trailing newline.</summary>
    public static byte[] ToUtf8Json(TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(traceEvent);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ValueOptions.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in traceEvent.Fields)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case DateTimeOffset time:
                writer.WriteStringValue(time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), ValueOptions);
                break;
        }
    }
}
