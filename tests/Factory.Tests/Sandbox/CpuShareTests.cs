using Factory.Dataflow.Sandbox;
using Xunit.Abstractions;

namespace Factory.Tests.Sandbox;

/// <summary>
/// A sandbox is held to its CPU quota (<see cref="SandboxOptions.CpuCores"/>): processes spinning on every core get no
/// more than the quota's share of the wall time. The bound is an upper one the kernel guarantees, so it holds however
/// loaded the machine is; on a machine with a core to spare it is far below what the same processes use unbounded.
/// </summary>
public sealed class CpuShareTests(ITestOutputHelper output)
{
    // Two children each spin for 1.5 s of wall time (not of CPU, so a throttled run still ends on time); the parent waits.
    private const string SpinOnTwoCores = """
        import os, time
        children = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                end = time.monotonic() + 1.5
                while time.monotonic() < end:
                    pass
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
        print('SPUN')
        """;

    [Fact(Timeout = 120_000)]
    public async Task Processes_spinning_on_two_cores_get_no_more_than_the_sandbox_cpu_quota()
    {
        using var sandbox = SandboxFolder.Create(o => o.CpuCores = 0.2, output);

        var result = await sandbox.RunPythonAsync(SpinOnTwoCores);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SPUN", result.StandardOutput);
        if (sandbox.Runner.Layers!.CpuShare is null || result.CpuTime is null)
        {
            // No CPU controller (or no CPU count) on this machine: the runner says so instead of pretending.
            Assert.Contains("cpu-share=none", sandbox.Runner.Layers.ToString());
            return;
        }

        // The quota allows 20 ms per 100 ms period for the whole group: at most a fifth of the run's wall time, plus a
        // period of slack for the first and last partial periods. Unbounded, the two children alone would use about 3 s.
        var allowed = result.Duration * 0.2 + TimeSpan.FromMilliseconds(100);
        output.WriteLine($"cpu {result.CpuTime}, wall {result.Duration}, allowed {allowed}");
        Assert.True(result.CpuTime <= allowed, $"cpu {result.CpuTime} over the quota's {allowed} (wall {result.Duration})");
    }

    [Fact]
    public void No_quota_asked_for_is_no_quota_set_and_the_layers_say_so()
    {
        using var sandbox = SandboxFolder.Create(o => o.CpuCores = 0, output);

        Assert.Null(sandbox.Runner.Layers!.CpuShare);
        Assert.Contains("cpu-share=none", sandbox.Runner.Layers.ToString());
    }
}
