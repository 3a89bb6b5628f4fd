using System.Collections.Concurrent;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The process-wide caches of answers that never go stale for their key (a commit's file list, its detected gate
/// configuration, git's name for a HEAD): bounded by forgetting everything once full. A process works on a handful of
/// repositories and commits, so the bound is only reached by a long-lived one, which then asks git again once.
/// </summary>
internal static class BoundedCache
{
    /// <summary>Adds <paramref name="value"/> under <paramref name="key"/> (an answer already there wins), emptying the cache first when it holds <paramref name="capacity"/> entries.</summary>
    public static TValue Keep<TKey, TValue>(this ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value, int capacity)
        where TKey : notnull
    {
        if (cache.Count >= capacity)
        {
            cache.Clear();
        }

        return cache.GetOrAdd(key, value);
    }
}
