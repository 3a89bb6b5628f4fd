using System.Globalization;
using System.Text.RegularExpressions;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

/// <summary>
/// A 64 MiB model reply through the real command line: the request fails with a message naming the cap, and the
/// runner's peak resident memory stays far below what holding the reply would take. The peak is the kernel's own
/// figure (getrusage's ru_maxrss for the runner and what it waited for), read by a small Python wrapper after the
/// runner has exited, so no sample can miss it and no timing is involved.
/// </summary>
[Collection(RunnerGroup.Name)]
public sealed partial class ReplyMemoryTests(RunnerProcess runner)
{
    private const long Huge = 64L * 1024 * 1024;

    // Generous: measured here, the runner (with the tools its preflight waited for) peaks at about 70 MiB with the cap,
    // and at about 2 GiB when the cap is raised past the reply and the reply is read whole (docs/security.md).
    private const long PeakBoundKiB = 256 * 1024;

    private const string PeakWrapper =
        "import resource, subprocess, sys\n" +
        "code = subprocess.run(sys.argv[1:]).returncode\n" +
        "print('peak-rss-kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n" +
        "sys.exit(code)\n";

    [Fact]
    public async Task A_64_MiB_reply_fails_the_request_naming_the_cap_and_the_runner_stays_small()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama, request => ScriptedModels.IsStage(request, "PLAN") ? FakeReply.Huge(Huge) : null);

        var result = await RunMeasuredAsync(repo, ollama);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("outcome: failed", result.Output);
        Assert.Contains("larger than Factory:Ollama:MaxReplyBytes (4 MiB", result.Output);
        var peak = PeakKiB(result);
        Assert.True(peak < PeakBoundKiB, $"the runner peaked at {peak / 1024} MiB:\n{result}");
    }

    private async Task<RunResult> RunMeasuredAsync(SampleRepo repo, FakeOllamaServer ollama, params string[] extra)
    {
        using var process = RunnerProcess.Start("/usr/bin/python3",
            ["-c", PeakWrapper, "dotnet", runner.Dll, "run", "add a GET /health endpoint returning status ok", "--repo", repo.CheckoutPath,
             "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString(), "--id", "health", .. extra],
            RunnerTestKit.Environment(repo));
        return await process.WaitAsync(TimeSpan.FromMinutes(5));
    }

    private static long PeakKiB(RunResult result) =>
        PeakLine().Match(result.Error) is { Success: true } match
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"The wrapper did not report the peak:\n{result}");

    [GeneratedRegex(@"peak-rss-kib (\d+)")]
    private static partial Regex PeakLine();
}
