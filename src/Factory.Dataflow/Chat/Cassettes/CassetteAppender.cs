using System.Text;
using System.Text.Json;

namespace Factory.Dataflow.Chat.Cassettes;

/// <summary>
/// Writes a cassette file one entry at a time: the file always ends with the closing of the entries list, and each new
/// entry is written over that closing, followed by a new one. Between appends the file is a complete cassette; only the
/// position of the closing is remembered, never the entries.
/// </summary>
internal sealed class CassetteAppender
{
    private static readonly byte[] Closing = Encoding.UTF8.GetBytes("\n  ]\n}\n");
    private static readonly JsonSerializerOptions EntryJson = new() { WriteIndented = true };
    private readonly string _path;
    private long _closingAt;
    private bool _empty = true;

    private CassetteAppender(string path, long closingAt)
    {
        _path = path;
        _closingAt = closingAt;
    }

    /// <summary>Starts an empty cassette at <paramref name="path"/>, replacing any file there.</summary>
    public static CassetteAppender Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var head = Encoding.UTF8.GetBytes($"{{\n  \"format\": \"{CassetteFile.CurrentFormat}\",\n  \"entries\": [");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        file.Write(head);
        file.Write(Closing);
        return new CassetteAppender(path, head.Length);
    }

    /// <summary>Adds <paramref name="entry"/> at the end of the entries. Not thread-safe: the caller serialises appends.</summary>
    public void Append(CassetteEntry entry)
    {
        var text = new StringBuilder(_empty ? "\n" : ",\n");
        foreach (var line in JsonSerializer.Serialize(entry, EntryJson).Split('\n'))
        {
            text.Append("    ").Append(line).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString(0, text.Length - 1));
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read);
        file.Position = _closingAt;
        file.Write(bytes);
        file.Write(Closing);
        file.SetLength(file.Position);
        _closingAt += bytes.Length;
        _empty = false;
    }
}
