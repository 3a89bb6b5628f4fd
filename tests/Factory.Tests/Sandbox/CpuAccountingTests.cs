using Factory.Dataflow;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Tracing;
using Factory.Tests.Support;

namespace Factory.Tests.Sandbox;

/// <summary>
/// The CPU time of a sandboxed run comes from the kernel's accounting of the run's cgroup: bounds below are what the
/// tool itself measured (a floor), or its wall time (a ceiling CPU cannot reach while it sleeps), so they hold on a
/// loaded machine.
/// </summary>
public sealed class CpuAccountingTests : IDisposable
{
    private const string Python = "/usr/bin/python3";

    // Burns CPU in a child process until that child has used 0.4 s of its own CPU, then the parent waits for it:
    // the count must include the tool's descendants, not only the tool.
    private const string BurnInChild = """
        import os, time
        pid = os.fork()
        if pid == 0:
            while time.process_time() < 0.4:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        """;

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factory-cpu-");
    private readonly SandboxedRunner _runner = new(new SandboxOptions());

    public void Dispose() => _work.Delete(recursive: true);

    private static bool MachineCountsCpu => CgroupSupport.Detect().MeasuresCpu;

    private Task<SandboxResult> RunPythonAsync(string code) =>
        _runner.RunAsync(new SandboxCommand(Python, ["-c", code], _work.FullName), CancellationToken.None);

    [Fact(Timeout = 120_000)]
    public async Task A_sandboxed_command_that_burns_cpu_in_a_child_reports_at_least_that_cpu()
    {
        var result = await RunPythonAsync(BurnInChild);

        Assert.Equal(0, result.ExitCode);
        if (!MachineCountsCpu)
        {
            Assert.Null(result.CpuTime);
            return;
        }

        Assert.NotNull(result.CpuTime);
        Assert.True(result.CpuTime >= TimeSpan.FromMilliseconds(400), $"cpu {result.CpuTime}");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_sleeping_command_reports_far_less_cpu_than_its_wall_time()
    {
        var result = await RunPythonAsync("import time; time.sleep(1.5)");

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Duration >= TimeSpan.FromSeconds(1.5));
        if (!MachineCountsCpu)
        {
            Assert.Null(result.CpuTime);
            return;
        }

        // Interpreter start-up, the launcher and bubblewrap: tens of milliseconds, whatever the machine's load.
        Assert.NotNull(result.CpuTime);
        Assert.True(result.CpuTime > TimeSpan.Zero && result.CpuTime < TimeSpan.FromSeconds(0.75), $"cpu {result.CpuTime}");
    }

    [Fact(Timeout = 120_000)]
    public async Task The_runs_of_one_flow_are_charged_to_its_account_and_not_to_another_flows()
    {
        var theirsOpened = new TaskCompletionSource<ProcessCpuAccount>();
        var mineDone = new TaskCompletionSource();
        var other = Task.Run(async () =>
        {
            theirsOpened.SetResult(ProcessCpuAccount.Open());
            await mineDone.Task; // Open while the runs below happen.
        });
        var theirs = await theirsOpened.Task;
        var mine = await Task.Run(async () =>
        {
            var account = ProcessCpuAccount.Open();
            await RunPythonAsync(BurnInChild);
            await RunPythonAsync("pass");
            return account;
        });
        mineDone.SetResult();
        await other;

        Assert.Equal(TimeSpan.Zero, theirs.Total);
        if (MachineCountsCpu)
        {
            Assert.True(mine.Total >= TimeSpan.FromMilliseconds(400), $"cpu {mine.Total}");
            Assert.Equal(0, mine.Unmeasured);
        }
        else
        {
            Assert.Equal(2, mine.Unmeasured);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_stage_that_runs_a_sandboxed_tool_writes_its_cpu_ms_beside_ms_and_the_trace_reads_it_back()
    {
        using var runs = new TempDirectory();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.RunsDirectory = runs.Path)
            .Use(StageName.Validate, async (_, cancellationToken) =>
            {
                var result = await _runner.RunAsync(new SandboxCommand(Python, ["-c", BurnInChild], _work.FullName), cancellationToken);
                return result.ExitCode == 0 ? StageResult.Success() : StageResult.Failure("burn failed");
            })
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within(90);

        Assert.Equal(OutcomeStatus.Approved, outcome.Status);
        var attempts = TraceReader.ReadRuns(runs.Path).Single().Attempts;
        var validate = attempts.Single(a => a.Stage == "validate");
        var plan = attempts.Single(a => a.Stage == "plan");
        Assert.Equal(0, plan.CpuMs); // PLAN ran no process.
        var names = validate.Raw.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.IndexOf("ms") + 1, names.IndexOf("cpu_ms"));
        if (MachineCountsCpu)
        {
            Assert.True(validate.CpuMs >= 400, $"cpu_ms {validate.CpuMs}");
        }
        else
        {
            Assert.Equal(1, validate.Raw.GetProperty("cpu_unmeasured").GetInt32());
        }
    }
}
