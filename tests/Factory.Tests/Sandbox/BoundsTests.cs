using Factory.Dataflow.Sandbox;
using Xunit.Abstractions;

namespace Factory.Tests.Sandbox;

/// <summary>
/// Each bound, reached on purpose with small limits: the command ends (never hangs) with a non-zero exit and a result
/// that says which bound it was, and the machine is not hurt on the way.
/// </summary>
public sealed class BoundsTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact(Timeout = 120_000)]
    public async Task A_fork_bomb_stops_at_the_process_bound()
    {
        var marker = $"factory-forks-{Guid.NewGuid():N}";
        using var sandbox = SandboxFolder.Create(o => o.MaxProcesses = 32, output);

        // Children block on a pipe (no CPU, shared memory), so a thousand would be cheap for the machine if allowed.
        var result = await sandbox.RunPythonAsync($$"""
            import os, sys
            read_end, _ = os.pipe()
            started = 0
            try:
                for _ in range(1000):
                    if os.fork() == 0:
                        os.read(read_end, 1)
                        os._exit(0)
                    started += 1
            except OSError as error:
                print('refused after', started, error.strerror)
            else:
                print('started', started)
            sys.exit(3)
            """ + $"\n# {marker}");

        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"refused after \d+ Resource temporarily unavailable", result.StandardOutput);
        var started = int.Parse(result.StandardOutput.Split(' ')[2]);
        Assert.InRange(started, 1, 32);
        if (result.Layers!.Processes != BoundMechanism.ResourceLimit)
        {
            Assert.True(result.BoundsReached.HasFlag(SandboxBounds.Processes));
            Assert.Contains("process bound (32", result.StandardError);
        }

        Assert.True(await ProcessTable.NoneRunningAsync(marker), "a forked child outlived the sandbox");
    }

    [Fact(Timeout = 120_000)]
    public async Task Allocating_past_the_memory_bound_ends_the_command()
    {
        using var sandbox = SandboxFolder.Create(o => o.MemoryLimitBytes = 128 * MiB, output);

        var result = await sandbox.RunPythonAsync("""
            block = bytearray(512 * 1024 * 1024)
            for i in range(0, len(block), 4096):
                block[i] = 1
            print('ALLOCATED')
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("ALLOCATED", result.StandardOutput);
        Assert.NotEqual(BoundMechanism.ResourceLimit, result.Layers!.Memory); // This machine has a writable memory cgroup.
        Assert.Equal(128 + 9, result.ExitCode); // SIGKILL from the kernel's out-of-memory killer.
        Assert.True(result.BoundsReached.HasFlag(SandboxBounds.Memory));
        Assert.Contains("memory bound (128 MiB", result.StandardError);
    }

    [Fact(Timeout = 120_000)]
    public async Task Without_a_cgroup_the_memory_bound_falls_back_to_a_limit_per_process_and_says_so()
    {
        using var sandbox = SandboxFolder.Create(o =>
        {
            o.Cgroups = SandboxRequirement.Off;
            o.MemoryLimitBytes = 128 * MiB;
        }, output);

        var result = await sandbox.RunPythonAsync("block = bytearray(512 * 1024 * 1024)\nprint('ALLOCATED')");

        Assert.Equal(BoundMechanism.ResourceLimit, sandbox.Runner.Layers!.Memory);
        Assert.Equal(BoundMechanism.ResourceLimit, result.Layers!.Processes);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MemoryError", result.StandardError);
        Assert.DoesNotContain("ALLOCATED", result.StandardOutput);
    }

    [Fact(Timeout = 120_000)]
    public async Task Spinning_past_the_cpu_time_bound_ends_the_command_before_its_timeout()
    {
        using var sandbox = SandboxFolder.Create(o => o.CpuTimeLimit = TimeSpan.FromSeconds(2), output);

        var result = await sandbox.RunPythonAsync("while True:\n    pass", timeout: TimeSpan.FromSeconds(100));

        Assert.False(result.TimedOut);
        Assert.Equal(128 + 24, result.ExitCode); // SIGXCPU
        Assert.True(result.BoundsReached.HasFlag(SandboxBounds.CpuTime));
        Assert.Contains("CPU time bound (2 s", result.StandardError);
    }

    [Fact(Timeout = 120_000)]
    public async Task Writing_a_file_past_the_size_bound_fails()
    {
        using var sandbox = SandboxFolder.Create(o => o.MaxFileSizeBytes = 8 * MiB, output);

        var result = await sandbox.RunPythonAsync("""
            with open('big.bin', 'wb') as big:
                try:
                    big.write(b'x' * (16 * 1024 * 1024))
                    big.flush()
                    print('WROTE')
                except OSError as error:
                    print('refused:', error.strerror)
            """);

        Assert.Contains("refused: File too large", result.StandardOutput);
        Assert.Equal(8 * MiB, new FileInfo(Path.Combine(sandbox.Work.FullName, "big.bin")).Length);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("/tmp")]
    [InlineData("/dev/shm")]
    public async Task The_private_tmp_and_shared_memory_folders_fill_up_at_their_bound(string folder)
    {
        using var sandbox = SandboxFolder.Create(o => o.TmpSizeBytes = 16 * MiB, output);

        var result = await sandbox.RunPythonAsync(SandboxFolder.FillScript($"{folder}/fill", 64));

        Assert.Matches(@"refused after 1[56] MiB: No space left on device", result.StandardOutput);
    }
}
