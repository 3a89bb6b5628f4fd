using System.Diagnostics;
using System.Security.Cryptography;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

/// <summary>
/// A run's mypy cache is a private copy of the newest snapshot made in-process: cache files linked, the files mypy
/// writes in place copied, so a real mypy run on the copy leaves the snapshot's bytes and times as they were.
/// </summary>
public sealed class MypyCacheStoreTests : IDisposable
{
    private const string Mypy = "/usr/bin/python3";
    private readonly TempDirectory _scratch = new("factory-mypy-store");

    public void Dispose() => _scratch.Dispose();

    [Fact(Timeout = 180_000)]
    public async Task A_real_mypy_run_on_a_leased_copy_leaves_the_published_snapshot_unchanged()
    {
        var store = new MypyCacheStore(Path.Combine(_scratch.Path, "store"));
        var project = Path.Combine(_scratch.Path, "project");
        Directory.CreateDirectory(Path.Combine(project, "pkg"));
        var source = Path.Combine(project, "pkg", "__init__.py");
        File.WriteAllText(source, "import yaml\n\n\ndef f(x: int) -> int:\n    return x\n");

        using (var first = await store.AcquireAsync("repo", CancellationToken.None))
        {
            RunMypy(project, first.Path);
            await first.PublishAsync(CancellationToken.None);
        }

        var snapshot = CurrentSnapshot();
        var before = Describe(snapshot);
        File.WriteAllText(source, "import requests\n\n\ndef f(x: int) -> str:\n    return str(x)\n");
        using var second = await store.AcquireAsync("repo", CancellationToken.None);
        var linked = Path.Combine(second.Path, "3.11", "builtins.data.json");
        var sharesTheSnapshotsFile = LinuxCalls.StatusOf(linked) is { LinkCount: >= 2 };
        var stubsCopied = LinuxCalls.StatusOf(Path.Combine(second.Path, "missing_stubs")) is { LinkCount: 1 };
        RunMypy(project, second.Path);

        Assert.True(sharesTheSnapshotsFile, "the copy links the snapshot's cache files");
        Assert.True(stubsCopied, "missing_stubs, which mypy writes in place, is copied");
        Assert.Equal("types-requests", File.ReadAllText(Path.Combine(second.Path, "missing_stubs")).Trim());
        Assert.Equal("types-PyYAML", File.ReadAllText(Path.Combine(snapshot, "missing_stubs")).Trim());
        Assert.Equal(before, Describe(snapshot));
    }

    [Fact]
    public async Task A_published_copy_is_what_the_next_lease_sees()
    {
        var store = new MypyCacheStore(Path.Combine(_scratch.Path, "store"));
        using (var first = await store.AcquireAsync("repo", CancellationToken.None))
        {
            Directory.CreateDirectory(Path.Combine(first.Path, "3.11", "app"));
            File.WriteAllText(Path.Combine(first.Path, "3.11", "app", "x.meta.json"), "one");
            await first.PublishAsync(CancellationToken.None);
        }

        using (var second = await store.AcquireAsync("repo", CancellationToken.None))
        {
            var file = Path.Combine(second.Path, "3.11", "app", "x.meta.json");
            Assert.Equal("one", File.ReadAllText(file));

            // As mypy writes: a new file put in place by rename.
            File.WriteAllText(file + ".tmp", "two");
            File.Move(file + ".tmp", file, overwrite: true);
            await second.PublishAsync(CancellationToken.None);
        }

        using var third = await store.AcquireAsync("repo", CancellationToken.None);
        Assert.Equal("two", File.ReadAllText(Path.Combine(third.Path, "3.11", "app", "x.meta.json")));
        Assert.Single(Directory.GetDirectories(Path.Combine(_scratch.Path, "store", "repo", "snapshots")));
    }

    private string CurrentSnapshot()
    {
        var folder = Path.Combine(_scratch.Path, "store", "repo");
        return Path.Combine(folder, "snapshots", File.ReadAllText(Path.Combine(folder, "current")).Trim());
    }

    // Every file's relative path, bytes (SHA-256) and modification time: what a later run's mypy would compare.
    private static string Describe(string folder) => string.Join('\n', Directory
        .EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(file => $"{Path.GetRelativePath(folder, file)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))} " +
                        $"{File.GetLastWriteTimeUtc(file).Ticks}"));

    private static void RunMypy(string project, string cacheDirectory)
    {
        var start = new ProcessStartInfo(Mypy) { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-m", "mypy", "pkg", "--cache-dir", cacheDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        // Exit 1: the findings this test provokes (stubs not installed); anything else is mypy failing to run.
        Assert.True(process.ExitCode == 1, $"mypy exited {process.ExitCode}: {output.Result}{error}");
        Assert.Contains("Library stubs not installed", output.Result, StringComparison.Ordinal);
    }
}
