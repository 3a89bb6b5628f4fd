using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Factory.Dataflow.Gates.Baseline;

/// <summary>
/// Keeps baselines as one JSON file per key in a folder shared by every request, run and process. A baseline is
/// computed at most once: within the process, concurrent callers share one computation; across processes, a lock file
/// held open (the operating system frees it when its holder dies) makes others wait, and the file appears whole, by
/// rename, or not at all.
/// </summary>
internal sealed class BaselineStore(string folder)
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<GateBaseline>>> s_computing = new(StringComparer.Ordinal);
    private static readonly TimeSpan s_lockPoll = TimeSpan.FromMilliseconds(200);
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter<TestOutcome>(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string PathFor(string key) => Path.Combine(folder, key + ".json");

    /// <summary>The stored baseline for <paramref name="key"/>, or the one <paramref name="compute"/> makes (then stored).</summary>
    /// <remarks>
    /// A failed or cancelled computation is not kept: the next caller computes again. A caller whose own token is
    /// cancelled stops waiting, without cancelling the computation others wait for.
    /// </remarks>
    public async Task<GateBaseline> GetOrCreateAsync(string key, Func<CancellationToken, Task<GateBaseline>> compute, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        while (true)
        {
            if (TryLoad(path) is { } stored)
            {
                return stored;
            }

            var lazy = s_computing.GetOrAdd(path, _ => new Lazy<Task<GateBaseline>>(() => ComputeOnceAsync(path, compute, cancellationToken)));
            try
            {
                return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The caller that started it was cancelled, not this one: compute again.
            }
            finally
            {
                if (lazy.IsValueCreated && lazy.Value.IsCompleted)
                {
                    s_computing.TryRemove(new KeyValuePair<string, Lazy<Task<GateBaseline>>>(path, lazy));
                }
            }
        }
    }

    private static async Task<GateBaseline> ComputeOnceAsync(string path, Func<CancellationToken, Task<GateBaseline>> compute, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var held = await AcquireLockAsync(path + ".lock", cancellationToken).ConfigureAwait(false);

        // Another process may have finished it while this one waited for the lock.
        if (TryLoad(path) is { } stored)
        {
            return stored;
        }

        var baseline = await compute(cancellationToken).ConfigureAwait(false);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(baseline, s_json), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return baseline;
    }

    private static async Task<FileStream> AcquireLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // The lock file is never deleted: deleting it could let two processes lock two different files.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(s_lockPoll, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static GateBaseline? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<GateBaseline>(File.ReadAllBytes(path), s_json) : null;
        }
        catch (Exception exception) when (exception is JsonException or IOException or NotSupportedException)
        {
            // Unreadable (another format version, a disk error): computing it again is always right.
            return null;
        }
    }
}
