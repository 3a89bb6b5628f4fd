using System.Runtime.Versioning;
using Factory.Dataflow.Sandbox;
using Xunit.Abstractions;

namespace Factory.Tests.Sandbox;

/// <summary>
/// Concurrent requests mount and unmount their scratch tmpfs on the host all the time. A sandbox that bound the whole
/// machine recursively had bubblewrap remount every one of those mounts read-only while it started, and failed
/// ("Can't bind mount /oldroot/ on /newroot/") whenever one vanished in between: the request then ended as an
/// environment error for nothing it did.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class MountChurnTests(ITestOutputHelper output)
{
    [Fact]
    public void The_sandbox_binds_the_machine_entry_by_entry_and_never_the_hosts_tmp()
    {
        var arguments = BubblewrapArguments.MachineReadOnly();

        Assert.DoesNotContain(Pairs(arguments), pair => pair is ("--ro-bind", "/") or ("--bind", "/"));
        Assert.DoesNotContain("/tmp", arguments);
        Assert.Contains(Pairs(arguments), pair => pair == ("--ro-bind", "/usr"));
    }

    [Fact(Timeout = 300_000)]
    public async Task Sandboxes_start_while_other_requests_scratch_folders_are_mounted_and_unmounted()
    {
        using var sandbox = SandboxFolder.Create(output: output);
        using var stop = new CancellationTokenSource();

        // Another request's TEST, many times over: a scratch tmpfs mounted under /tmp and unmounted again.
        var churners = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var cycles = 0;
            while (!stop.IsCancellationRequested)
            {
                using (sandbox.Runner.CreateScratchFolder())
                {
                    // Mounted for a moment, as a TEST run's is: the sandboxes starting meanwhile find it in their mounts.
                    Thread.Sleep(cycles % 4);
                }

                cycles++;
            }

            return cycles;
        })).ToList();

        var failures = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                var result = await sandbox.RunPythonAsync("print('ran')");
                if (result.ExitCode != 0 || !result.StandardOutput.Contains("ran", StringComparison.Ordinal))
                {
                    failures.Add($"exit {result.ExitCode}: {result.StandardError}");
                }
            }
            catch (GateEnvironmentException exception)
            {
                failures.Add(exception.Message);
            }
        }

        await stop.CancelAsync();
        var cycles = (await Task.WhenAll(churners)).Sum();
        output.WriteLine($"{cycles} scratch folders mounted and unmounted meanwhile");
        Assert.True(cycles > 20, $"only {cycles} scratch folders came and went while the sandboxes started; the test proves nothing");
        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }

        Assert.Empty(failures);
    }

    private static IEnumerable<(string, string)> Pairs(IReadOnlyList<string> arguments) =>
        arguments.Zip(arguments.Skip(1));
}
