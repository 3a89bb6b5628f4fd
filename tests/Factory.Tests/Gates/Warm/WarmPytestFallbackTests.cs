using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;

namespace Factory.Tests.Gates.Warm;

/// <summary>When the warm server cannot give a verdict, the run starts the ordinary way and that run is the verdict.</summary>
public sealed class WarmPytestFallbackTests
{
    [Fact]
    public async Task A_run_whose_server_dies_under_it_is_run_again_the_ordinary_way()
    {
        await using var gates = await GateFixture.CreateAsync();
        var stop = Path.Combine(gates.Workspace.RootPath, "tests", "stop");
        File.WriteAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_waits.py"), """
            import os, time


            def test_waits_for_the_stop_file():
                for _ in range(1200):
                    if os.path.exists("tests/stop"):
                        return
                    time.sleep(0.1)
                raise AssertionError("no stop file")
            """);
        var options = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true }.ValidateAndCopy();
        var server = await WarmPytest.ServerForAsync(gates.Runner, options, gates.Workspace.RootPath);
        Assert.NotNull(server);
        var idle = ProcessTree.Descendants(server.ProcessId).Count;

        var running = PytestRun.RunAsync(
            gates.Runner, options, GateConfig.Default, gates.Workspace.RootPath, ["tests"], coverage: false, TimeSpan.FromSeconds(120),
            CancellationToken.None, warm: true);
        // The run's child, its init and the tool join the server's processes: then the server is killed under it.
        for (var waited = 0; ProcessTree.Descendants(server.ProcessId).Count < idle + 3; waited++)
        {
            Assert.True(waited < 1200 && !running.IsCompleted, "the warm run never started");
            await Task.Delay(50);
        }

        ProcessTree.Kill(server.ProcessId);
        File.WriteAllText(stop, "");
        var run = await running;

        Assert.False(run.Run.Served, run.Run.Output);
        Assert.Equal(0, run.Run.ExitCode);
        Assert.Equal(TestOutcome.Passed, run.Tests!.Single(t => t.Key.EndsWith("test_waits_for_the_stop_file", StringComparison.Ordinal)).Value);
        Assert.False(server.IsUsable);
    }
}
