using System.Runtime.Versioning;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Xunit.Abstractions;

namespace Factory.Tests.Sandbox;

/// <summary>Writable paths outside the worktree: usable by the sandbox's user during a run, Factory's again after it.</summary>
[SupportedOSPlatform("linux")]
public sealed class WritablePathTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task A_writable_path_is_the_sandbox_users_during_the_run_and_factorys_again_after_it()
    {
        using var sandbox = SandboxFolder.Create(output: output);
        var cache = Directory.CreateTempSubdirectory("factory-cache-");
        var shared = Path.Combine(Directory.CreateTempSubdirectory("factory-snapshot-").FullName, "shared.json");
        try
        {
            // Like the mypy cache copy: its own files, plus files that are hard links to a snapshot shared with others.
            File.WriteAllText(Path.Combine(cache.FullName, "own.json"), "own");
            File.WriteAllText(shared, "shared");
            using (var link = System.Diagnostics.Process.Start("ln", [shared, Path.Combine(cache.FullName, "linked.json")]))
            {
                await link.WaitForExitAsync();
                Assert.Equal(0, link.ExitCode);
            }

            var result = await sandbox.RunPythonAsync($$"""
                import os
                os.chdir('{{cache.FullName}}')
                open('own.json', 'a').write('+sandbox')
                try:
                    open('linked.json', 'a').write('+poisoned')
                    print('REWROTE the shared file')
                except OSError as error:
                    print('shared file:', error.strerror)
                with open('linked.json.tmp', 'w') as replacement:
                    replacement.write('replaced')
                os.replace('linked.json.tmp', 'linked.json')
                os.makedirs('new/deeper')
                open('new/deeper/tool', 'w').write('#!/bin/sh\n')
                os.chmod('new/deeper/tool', 0o6755)
                print('done')
                """, writable: [cache.FullName]);

            Assert.Equal("shared file: Permission denied\ndone\n", result.StandardOutput);
            Assert.Equal("shared", File.ReadAllText(shared));
            Assert.Equal("replaced", File.ReadAllText(Path.Combine(cache.FullName, "linked.json")));
            Assert.Equal("own+sandbox", File.ReadAllText(Path.Combine(cache.FullName, "own.json")));
            foreach (var entry in cache.EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Append(cache))
            {
                Assert.Equal((0u, 0u), Owner(entry.FullName));
            }

            var tool = Path.Combine(cache.FullName, "new", "deeper", "tool");
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(tool) & (UnixFileMode.SetUser | UnixFileMode.SetGroup));
        }
        finally
        {
            cache.Delete(recursive: true);
            Directory.Delete(Path.GetDirectoryName(shared)!, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_scratch_folder_is_a_bounded_tmpfs_off_the_host_disk_and_goes_away_when_disposed()
    {
        using var sandbox = SandboxFolder.Create(o => o.ScratchSizeBytes = 8 * 1024 * 1024, output);
        string path;
        using (var scratch = sandbox.Runner.CreateScratchFolder())
        {
            path = scratch.Path;
            Assert.True(scratch.OnTmpfs);
            Assert.Contains($" {path} tmpfs ", File.ReadAllText("/proc/self/mounts"));

            var result = await sandbox.RunPythonAsync(SandboxFolder.FillScript($"{path}/coverage", 32), writable: [path]);

            Assert.Matches(@"refused after [78] MiB: No space left on device", result.StandardOutput);
        }

        Assert.False(Directory.Exists(path));
        Assert.DoesNotContain($" {path} ", File.ReadAllText("/proc/self/mounts"));
    }

    [Fact]
    public void A_scratch_tmpfs_left_mounted_by_a_killed_factory_is_removed()
    {
        // What a Factory killed during TEST leaves: its scratch tmpfs, still mounted, named after its (now gone) pid.
        var left = Path.Combine(Path.GetTempPath(), "factory-scratch-999999999-abc123");
        Directory.CreateDirectory(left);
        Assert.True(LibC.TryMountTmpfs(left, 1024 * 1024, out var error), error);
        Assert.Contains($" {left} ", File.ReadAllText("/proc/self/mounts"));

        var removed = SandboxScratchFolder.SweepStale();

        Assert.True(removed >= 1);
        Assert.DoesNotContain($" {left} ", File.ReadAllText("/proc/self/mounts"));
        Assert.False(Directory.Exists(left));
    }

    private static (uint User, uint Group) Owner(string path)
    {
        var status = LinuxCalls.StatusOf(path)!.Value;
        return (status.UserId, status.GroupId);
    }
}
