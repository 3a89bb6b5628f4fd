using System.Text;
using System.Text.Json;
using Factory.Runner.Cli;

namespace Factory.Runner.Batch;

/// <summary>
/// The batch's journal, <c>&lt;runs&gt;/journal.jsonl</c>: append-only JSON lines, each written whole and flushed to
/// disk before the batch goes on, so after a crash (even kill -9) it says exactly which requests finished (and how)
/// and which were started and never finished. A torn last line, from a crash mid-write, is ignored when read.
/// The file is held open exclusively, so two batches cannot share a runs folder.
/// </summary>
internal sealed class BatchJournal : IDisposable
{
    public const string FileName = "journal.jsonl";

    private readonly Lock _gate = new();
    private readonly FileStream _stream;
    private readonly Dictionary<string, JournalRecord> _last;

    private BatchJournal(FileStream stream, Dictionary<string, JournalRecord> last, IReadOnlyList<string> problems)
    {
        _stream = stream;
        _last = last;
        Problems = problems;
    }

    public string Path => _stream.Name;

    /// <summary>Lines of the existing journal that could not be read (a torn last line after a crash).</summary>
    public IReadOnlyList<string> Problems { get; }

    public static BatchJournal Open(string runsDirectory)
    {
        Directory.CreateDirectory(runsDirectory);
        var path = System.IO.Path.Combine(runsDirectory, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new RunnerException(
                $"The journal {path} is in use by another factory batch ({exception.Message}). Wait for it to end, or use another --runs folder.",
                exception);
        }

        var last = new Dictionary<string, JournalRecord>(StringComparer.Ordinal);
        var problems = new List<string>();
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    var record = JsonSerializer.Deserialize<JournalRecord>(line);
                    if (record is not null)
                    {
                        last[record.Id] = record;
                    }
                }
                catch (JsonException exception)
                {
                    problems.Add($"{path}:{number}: skipped, not a whole record ({exception.Message})");
                }
            }
        }

        // A torn last line has no newline; start the next record on a line of its own.
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            var lastByte = stream.ReadByte();
            stream.Seek(0, SeekOrigin.End);
            if (lastByte != '\n')
            {
                stream.WriteByte((byte)'\n');
            }
        }

        return new BatchJournal(stream, last, problems);
    }

    /// <summary>The last record of <paramref name="id"/>, or null when it never started.</summary>
    public JournalRecord? Last(string id)
    {
        lock (_gate)
        {
            return _last.GetValueOrDefault(id);
        }
    }

    /// <summary>The last record of every id, in no particular order.</summary>
    public IReadOnlyList<JournalRecord> LastRecords()
    {
        lock (_gate)
        {
            return [.. _last.Values];
        }
    }

    public void Append(JournalRecord record)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record) + "\n");
        lock (_gate)
        {
            _stream.Write(bytes);

            // fsync: the record must survive a crash of the machine, not only of this process.
            _stream.Flush(flushToDisk: true);
            _last[record.Id] = record;
        }
    }

    public void Dispose() => _stream.Dispose();
}
