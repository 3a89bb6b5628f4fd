using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Gates;

/// <summary>
/// Parsed <see cref="GateConfig.RelativePath"/> files, keyed by their text, least recently used first out: every stage
/// of every request asks <see cref="GateConfigResolver"/> for its worktree's configuration, and the worktrees of one
/// base commit hold the same file, so one parse serves them all while the file says the same.
/// </summary>
/// <remarks>
/// Keyed by the text itself, not by the file's path, length, modification time and inode: the kernel stamps a write
/// with a clock that ticks every few milliseconds, so an edit of the same length within one tick, or a removed
/// worktree's inode reused by the next one at the same path, would look unchanged. Reading a file of a few hundred
/// bytes is one open and one read; the parse and the validation are what the cache saves. A configuration is
/// immutable, so callers can share one instance. A text that does not parse is not kept: it throws every time.
/// </remarks>
internal sealed class GateConfigCache(int capacity)
{
    /// <summary>A text longer than this is parsed every time rather than kept. Real files are well under 4 KiB.</summary>
    internal const int MaxCachedChars = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Text, GateConfig Config)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, GateConfig Config)> _byUse = new();
    private int _parses;

    /// <summary>The cache every resolution shares: a handful of repositories and commits per process.</summary>
    public static GateConfigCache Shared { get; } = new(capacity: 32);

    /// <summary>How many texts this cache has parsed (a test's window on whether a file was parsed again).</summary>
    public int Parses => Volatile.Read(ref _parses);

    /// <summary>The configuration <paramref name="json"/> describes, parsed once per distinct text while it stays cached.</summary>
    /// <exception cref="GateEnvironmentException">The text is not a valid configuration; the message says what is wrong.</exception>
    public GateConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_lock)
        {
            if (_entries.TryGetValue(json, out var hit))
            {
                _byUse.Remove(hit);
                _byUse.AddFirst(hit);
                return hit.Value.Config;
            }
        }

        // Parsed outside the lock: two first readers of one text may both parse it, and both get an equal answer.
        Interlocked.Increment(ref _parses);
        var config = GateConfig.Parse(json);
        if (json.Length > MaxCachedChars)
        {
            return config;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(json, out var raced))
            {
                return raced.Value.Config;
            }

            _entries[json] = _byUse.AddFirst((json, config));
            if (_entries.Count > capacity)
            {
                _entries.Remove(_byUse.Last!.Value.Text);
                _byUse.RemoveLast();
            }
        }

        return config;
    }
}
