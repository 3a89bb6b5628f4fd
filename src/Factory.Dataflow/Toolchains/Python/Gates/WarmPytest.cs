using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// The warm pytest servers (<see cref="GateOptions.WarmPytest"/>): one per Factory process, sandbox configuration,
/// interpreter and worktree folder, started at the first warm run in that folder. It imports pytest, coverage and
/// pytest-cov as <see cref="ToolBootstrap"/> does, and the installed third-party packages the first worktree's Python
/// files import (never a module of the worktree: the server's <c>sys.path</c> holds none). A server that cannot start,
/// died or was retired is tried again after <see cref="Backoff"/>; meanwhile pytest runs the ordinary way.
/// </summary>
internal static partial class WarmPytest
{
    /// <summary>How long runs start the ordinary way after a server could not start or was retired.</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(60);

    /// <summary>The most third-party module names a server is told to import.</summary>
    private const int MaxThirdParty = 64;

    /// <summary>The most Python files read for their imports.</summary>
    private const int MaxFilesRead = 2_000;

    /// <summary>
    /// The most servers kept at once (each holds an interpreter with its imports, about 100 MB): a process that works on
    /// more repositories stops the one used least recently.
    /// </summary>
    private const int MaxServers = 4;

    private static readonly ConcurrentDictionary<string, Entry> s_servers = new(StringComparer.Ordinal);

    /// <summary>
    /// The server for <paramref name="worktree"/>'s folder, starting it when there is none; null when warm runs are off
    /// or unavailable here (then, and whenever it fails, pytest runs the ordinary way).
    /// </summary>
    public static async Task<ForkServer?> ServerForAsync(SandboxedRunner runner, GateOptions options, string worktree)
    {
        if (!options.WarmPytest || !runner.CanServeWarm || Workspace.RepositoryInfo.WorktreesFolderOf(worktree) is not { } folder)
        {
            return null;
        }

        var key = string.Join('\n', runner.ConfigurationKey, options.PythonInterpreter, folder);
        StopUnused(keep: key);
        var entry = s_servers.GetOrAdd(key, _ => new Entry(folder));
        var server = await entry.Current(() => runner.StartForkServerAsync(
            options.PythonInterpreter, folder, ToolBootstrap.Preloads("pytest"), ThirdPartyImports(worktree), TimeSpan.FromSeconds(120))).ConfigureAwait(false);
        return server is { IsUsable: true } ? server : null;
    }

    /// <summary>
    /// The dotted module names the Python files under <paramref name="root"/> import absolutely, in order of first use
    /// (the server keeps those that are installed third-party packages). Relative imports, hidden folders and anything
    /// that is not a plain dotted name are skipped, and so is every name the repository could provide itself: a name
    /// whose first part is the name of a folder or a Python file anywhere in it. pytest puts the project's folders on
    /// <c>sys.path</c> during the run (its rootdir, <c>pythonpath</c>), so such an import may resolve to the project's
    /// own module, and one imported in advance from the installation would shadow it (pallets/itsdangerous imports
    /// itself, and Debian installs an itsdangerous too).
    /// </summary>
    internal static IReadOnlyList<string> ThirdPartyImports(string root)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var local = new HashSet<string>(StringComparer.Ordinal);
        var files = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint };
        foreach (var file in Directory.EnumerateFiles(root, "*.py", files).Take(MaxFilesRead))
        {
            local.Add(Path.GetFileNameWithoutExtension(file));
            local.UnionWith(Path.GetRelativePath(root, Path.GetDirectoryName(file)!).Split('/'));
            foreach (var line in File.ReadLines(file))
            {
                if (ImportLine().Match(line) is not { Success: true } match)
                {
                    continue;
                }

                foreach (var name in match.Groups["names"].Value.Split(',').Select(n => n.Trim().Split(' ')[0]))
                {
                    if (DottedName().IsMatch(name) && seen.Add(name))
                    {
                        names.Add(name);
                    }
                }
            }
        }

        return [.. names.Where(n => !local.Contains(n.Split('.')[0])).Take(MaxThirdParty)];
    }

    /// <summary>
    /// Stops the servers whose worktree folder is gone (its repository's state was removed: a later folder of the same
    /// name would not be the one bound into the server), and the least recently used beyond <see cref="MaxServers"/>.
    /// </summary>
    private static void StopUnused(string keep)
    {
        var live = new List<(string Key, Entry Entry)>();
        foreach (var (key, entry) in s_servers)
        {
            if (key != keep && !Directory.Exists(entry.Folder) && s_servers.TryRemove(key, out var gone))
            {
                gone.Stop();
            }
            else if (key != keep)
            {
                live.Add((key, entry));
            }
        }

        foreach (var (key, _) in live.OrderByDescending(e => e.Entry.LastUsed).Skip(MaxServers - 1))
        {
            if (s_servers.TryRemove(key, out var evicted))
            {
                evicted.Stop();
            }
        }
    }

    [GeneratedRegex(@"^\s*(?:from\s+(?<names>[A-Za-z_][\w.]*)\s+import\b|import\s+(?<names>[A-Za-z_][\w., ]*))")]
    private static partial Regex ImportLine();

    [GeneratedRegex(@"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")]
    private static partial Regex DottedName();

    /// <summary>One key's server: started once, replaced after <see cref="Backoff"/> when it is gone.</summary>
    private sealed class Entry(string folder)
    {
        private readonly Lock _gate = new();
        private Task<ForkServer?>? _start;
        private DateTime _failedAt = DateTime.MinValue;

        public string Folder { get; } = folder;

        public long LastUsed { get; private set; }

        /// <summary>Stops the server once it started (a run in it is killed with it and starts the ordinary way).</summary>
        public void Stop()
        {
            Task<ForkServer?>? start;
            lock (_gate)
            {
                start = _start;
            }

            _ = start?.ContinueWith(t => t.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }

        public async Task<ForkServer?> Current(Func<Task<ForkServer?>> start)
        {
            Task<ForkServer?> current;
            lock (_gate)
            {
                LastUsed = System.Diagnostics.Stopwatch.GetTimestamp();
                if (_start is { IsCompletedSuccessfully: true } done && done.Result is not { IsUsable: true })
                {
                    if (_failedAt == DateTime.MinValue)
                    {
                        _failedAt = DateTime.UtcNow;
                    }

                    if (DateTime.UtcNow - _failedAt < Backoff)
                    {
                        return null;
                    }

                    _start = null;
                }

                if (_start is null)
                {
                    _failedAt = DateTime.MinValue;
                    _start = start();
                }

                current = _start;
            }

            return await current.ConfigureAwait(false);
        }
    }
}
