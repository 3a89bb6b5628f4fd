using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// A warm interpreter (<c>sandbox_fork_server.py</c>) in a sandbox of its own that starts each run as a forked child
/// confined like a fresh sandbox (see <see cref="SandboxedRunner.RunInForkServerAsync"/> and docs/security.md). This
/// class owns the process, its request pipe and the runs folder: a tmpfs on the host made a shared mount before the
/// server started, so each run's folder mounted in it later appears in the server's view. Runs are answered by id, so
/// many run at once. When the process dies every waiting run is answered "lost" and the server is not used again.
/// </summary>
internal sealed class ForkServer : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<int?>> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeTurn = new(1, 1);
    private readonly HeadTailBuffer _standardError = new(16_384);
    private readonly TaskCompletionSource<JsonNode?> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private int _disposed;

    public ForkServer(Process process, string runsFolder, string worktreesFolder, IReadOnlyList<string> cgroupFolders, ILogger logger)
    {
        _process = process;
        RunsFolder = runsFolder;
        WorktreesFolder = worktreesFolder;
        CgroupFolders = cgroupFolders;
        _logger = logger;
        _ = PumpAnswersAsync();
        _ = _standardError.AppendAllAsync(process.StandardError);
    }

    /// <summary>
    /// The exit code of a warm pytest run that stopped after collection because a module imported in advance is not the
    /// one its <c>sys.path</c> gives (with a <c>factory-warm:</c> line on stderr); such a run is run again fresh.
    /// </summary>
    public const int ShadowedPreloadExitCode = 126;

    /// <summary>The process id of the server's bubblewrap (its interpreter is a descendant).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The shared tmpfs that holds each run's folder.</summary>
    public string RunsFolder { get; }

    /// <summary>The folder of worktrees bound into the server: only worktrees directly inside it can run here.</summary>
    public string WorktreesFolder { get; }

    /// <summary>The cgroup folders bound writable into the server, so a child can join its run's groups.</summary>
    public IReadOnlyList<string> CgroupFolders { get; }

    /// <summary>False once the server died, failed a run's set-up or was disposed: runs then start the ordinary way.</summary>
    public bool IsUsable => Volatile.Read(ref _disposed) == 0 && !_process.HasExited;

    /// <summary>The modules the server imported before its first run.</summary>
    public IReadOnlyList<string> Preloaded { get; private set; } = [];

    /// <summary>What the server wrote on stderr (capped), for the log when it fails.</summary>
    public string StandardError
    {
        get
        {
            lock (_standardError)
            {
                return _standardError.ToString();
            }
        }
    }

    /// <summary>Waits for the server's first line (its imports done); false when it died or did not answer in time.</summary>
    public async Task<bool> WaitUntilReadyAsync(TimeSpan patience)
    {
        var ready = await _ready.Task.WaitAsync(patience).ConfigureAwait(false);
        if (ready?["preloaded"] is JsonArray loaded)
        {
            Preloaded = [.. loaded.Select(n => n!.GetValue<string>())];
        }

        return ready is not null;
    }

    /// <summary>Sends one run; the task ends with its exit code, or null when the server died before answering.</summary>
    public async Task<int?> RunAsync(string id, JsonObject request)
    {
        var answer = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        await _writeTurn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!IsUsable)
            {
                _waiting.TryRemove(id, out _);
                return null;
            }

            await _process.StandardInput.WriteLineAsync(request.ToJsonString()).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            _waiting.TryRemove(id, out _);
            return null;
        }
        finally
        {
            _writeTurn.Release();
        }

        return await answer.Task.ConfigureAwait(false);
    }

    /// <summary>Stops using the server (a run's set-up failed in it): later runs start the ordinary way.</summary>
    public void Retire(string why)
    {
        _logger.LogWarning("The warm pytest server is not used any more: {Why}. Server's stderr: {Stderr}", why, StandardError.Trim());
        Dispose();
    }

    private async Task PumpAnswersAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                JsonNode? answer;
                try
                {
                    answer = JsonNode.Parse(line);
                }
                catch (JsonException)
                {
                    continue;
                }

                if (answer?["ready"] is not null)
                {
                    _ready.TrySetResult(answer);
                }
                else if (answer?["id"]?.GetValue<string>() is { } id && _waiting.TryRemove(id, out var waiting))
                {
                    waiting.TrySetResult(answer["exit"]!.GetValue<int>());
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone: answered below.
        }

        _ready.TrySetResult(null);
        foreach (var id in _waiting.Keys)
        {
            if (_waiting.TryRemove(id, out var waiting))
            {
                waiting.TrySetResult(null);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            ProcessTree.Kill(_process.Id);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // It never started or is gone.
        }

        _process.Dispose();
        try
        {
            LibC.Unmount(RunsFolder);
            Directory.Delete(RunsFolder, recursive: true);
        }
        catch (IOException exception)
        {
            _logger.LogWarning("Could not remove the warm server's runs folder {Folder}: {Error}", RunsFolder, exception.Message);
        }
    }
}
