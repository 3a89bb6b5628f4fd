using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Sandbox;

/// <summary>git runs inside a stage attempt are measured by the shell that waits for them, and read exactly as unmeasured ones.</summary>
public sealed class GitCpuTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_git_run_inside_an_attempt_is_charged_to_it_and_its_output_and_exit_code_are_unchanged()
    {
        using var repository = new TempDirectory("factory-git-cpu");
        await GitCli.RunAsync(repository.Path, ["init", "-q"], CancellationToken.None);
        var content = new byte[32 * 1024 * 1024];
        new Random(15).NextBytes(content);

        var plain = await RunBothAsync(repository.Path, ["hash-object", "--stdin"], content);
        var failing = await RunBothAsync(repository.Path, ["rev-parse", "--verify", "no-such-ref"], null);

        Assert.Equal(plain.Unmeasured.StandardOutput, plain.Measured.StandardOutput);
        Assert.Equal(40, plain.Measured.StandardOutput.Trim().Length);
        Assert.Equal((failing.Unmeasured.ExitCode, failing.Unmeasured.StandardError), (failing.Measured.ExitCode, failing.Measured.StandardError));
        Assert.NotEqual(0, failing.Measured.ExitCode);
        Assert.Equal(0, plain.Account.Unmeasured);

        // Hashing 32 MiB takes the kernel's measurable tens of milliseconds on any machine.
        Assert.True(plain.Account.Total > TimeSpan.Zero, $"cpu {plain.Account.Total}");
    }

    [Theory]
    [InlineData("oops\n\n\u001efactory-cpu 0m0.001s 0m0.002s\n0m1.250s 0m0.125s\n", "oops\n", 1375)]
    [InlineData("no newline\n\u001efactory-cpu 0m0.001s 0m0.002s\n1m0.500s 0m0.000s\n", "no newline", 60500)]
    [InlineData("\n\u001efactory-cpu 0m0.00s 0m0.00s\n0m0.01s 0m0.02s\n", "", 30)]
    public void The_shells_report_is_taken_off_stderr_and_read_as_children_user_plus_system(string stderr, string rest, int milliseconds)
    {
        var (remaining, cpu) = ChildCpuTimes.Take(stderr);

        Assert.Equal(rest, remaining);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), cpu);
    }

    [Fact]
    public void Stderr_without_the_report_is_left_alone_and_no_cpu_is_claimed()
    {
        Assert.Equal(("fatal: x\n", (TimeSpan?)null), ChildCpuTimes.Take("fatal: x\n"));
    }

    private static async Task<(CliWrap.Buffered.BufferedCommandResult Unmeasured, CliWrap.Buffered.BufferedCommandResult Measured, ProcessCpuAccount Account)>
        RunBothAsync(string repository, string[] arguments, byte[]? input)
    {
        var unmeasured = await Task.Run(() => GitCli.TryRunAsync(repository, arguments, CancellationToken.None, standardInput: input));
        return await Task.Run(async () =>
        {
            var account = ProcessCpuAccount.Open();
            var measured = await GitCli.TryRunAsync(repository, arguments, CancellationToken.None, standardInput: input);
            return (unmeasured, measured, account);
        });
    }
}
