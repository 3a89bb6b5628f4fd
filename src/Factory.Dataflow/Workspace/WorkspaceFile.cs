using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>A file read from a workspace, at most the number of bytes asked for.</summary>
/// <param name="Path">Where the file really is, relative to the workspace root, every link followed.</param>
/// <param name="Content">The bytes read: the whole file, or its first bytes when <see cref="IsTruncated"/>.</param>
/// <param name="Length">The file's full length in bytes.</param>
public sealed record WorkspaceFile(string Path, ReadOnlyMemory<byte> Content, long Length)
{
    private const int BinarySniffBytes = 8000;

    /// <summary>True when only the first bytes were read.</summary>
    public bool IsTruncated => Content.Length < Length;

    /// <summary>True when the content looks binary: a NUL byte in its first 8,000 bytes (git's own test).</summary>
    public bool IsBinary => Content.Span[..Math.Min(BinarySniffBytes, Content.Length)].Contains((byte)0);

    /// <summary>The content decoded as UTF-8 (invalid bytes become U+FFFD; a byte-order mark is dropped).</summary>
    public string Text
    {
        get
        {
            var bytes = Content.Span;
            if (bytes.StartsWith("\uFEFF"u8))
            {
                bytes = bytes[3..];
            }

            return Encoding.UTF8.GetString(bytes);
        }
    }
}
