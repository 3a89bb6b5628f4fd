using System.Runtime.Versioning;
using System.Diagnostics;
using Factory.Dataflow.Sandbox;

namespace Factory.Tests.Sandbox;

/// <summary>
/// The sandbox as it is when Factory runs as an ordinary user: the same launcher and mounts, bubblewrap unprivileged in
/// a user namespace of its own. Run here by dropping to a user id with setpriv before bubblewrap starts.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UnprivilegedSandboxTests : IDisposable
{
    private const uint User = 0x7000_F000; // Outside the default pool, so no running sandbox uses it.
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factory-unprivileged-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact(Timeout = 120_000)]
    public async Task An_ordinary_user_gets_a_user_namespace_no_capabilities_the_filter_and_no_further_namespaces()
    {
        File.SetUnixFileMode(_work.FullName, (UnixFileMode)0b111_101_101);
        var plan = new SandboxLauncher.Plan(
            _work.FullName,
            Identity: null,
            SandboxRequirement.IfAvailable,
            new Dictionary<string, (long, long)> { ["RLIMIT_NPROC"] = (64, 64) },
            SeccompFilter.BuildX8664(),
            Writable: []);
        var inner = SandboxLauncher.CommandLine(SandboxFolder.Python, plan, SandboxFolder.Python, ["-c", """
            import ctypes, os
            for line in open('/proc/self/status'):
                if line.startswith(('Uid', 'Cap', 'NoNewPrivs', 'Seccomp:')):
                    print(line.strip())
            libc = ctypes.CDLL(None, use_errno=True)
            print('unshare-user', libc.unshare(0x10000000), os.strerror(ctypes.get_errno()))
            """]);
        var command = new SandboxCommand(SandboxFolder.Python, [], _work.FullName) { ReadOnlyPaths = ["."] };
        var arguments = BubblewrapArguments.Build(
            command, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, SandboxIdentityMode.UnprivilegedUser, 16 << 20, inner);

        var (exitCode, stdout, stderr) = await RunAsUserAsync(arguments);

        Assert.True(exitCode == 0, stderr);
        var (report, rest) = SandboxLauncher.TakeReport(stderr);
        Assert.Equal(new SandboxLauncher.Report(User, UserNamespace: true, Seccomp: true), report);
        Assert.Equal("", rest);
        Assert.Contains($"Uid:\t{User}\t{User}\t{User}\t{User}", stdout);
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
        {
            Assert.Contains($"{set}:\t0000000000000000", stdout);
        }

        Assert.Contains("NoNewPrivs:\t1", stdout);
        Assert.Contains("Seccomp:\t2", stdout);
        Assert.Contains("unshare-user -1 Operation not permitted", stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_launcher_refuses_to_start_the_tool_when_a_layer_does_not_hold()
    {
        // The unprivileged plan run by root: bubblewrap's user namespace maps root to root, so the process would be uid 0
        // (owner of every root-only file) with every capability over its namespace. The launcher reads
        // /proc/self/status and stops before the tool runs.
        File.SetUnixFileMode(_work.FullName, (UnixFileMode)0b111_101_101);
        var marker = Path.Combine(_work.FullName, "tool-ran");
        var plan = new SandboxLauncher.Plan(_work.FullName, Identity: null, SandboxRequirement.IfAvailable, new Dictionary<string, (long, long)>(), null, []);
        var inner = SandboxLauncher.CommandLine(SandboxFolder.Python, plan, "/usr/bin/touch", [marker]);
        var arguments = BubblewrapArguments.Build(
            new SandboxCommand(SandboxFolder.Python, [], _work.FullName), new Dictionary<string, string>(), SandboxIdentityMode.UnprivilegedUser, 16 << 20, inner);

        var (exitCode, _, stderr) = await RunAsync(["/usr/bin/bwrap", .. arguments]);

        Assert.Equal(SandboxLauncher.SetupFailed, exitCode);
        Assert.StartsWith("factory-sandbox: CapPrm is 000001", stderr);
        Assert.False(File.Exists(marker));
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsUserAsync(IReadOnlyList<string> bwrapArguments) =>
        RunAsync(["/usr/bin/setpriv", "--reuid", $"{User}", "--regid", $"{User}", "--clear-groups", "--", "/usr/bin/bwrap", .. bwrapArguments]);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> commandLine)
    {
        var start = new ProcessStartInfo(commandLine[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in commandLine.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // Started from the runner's spawn thread: bwrap's --die-with-parent follows the thread that forked it, and a
        // thread-pool thread may be retired mid-run (SIGKILL, exit 137).
        using var process = await SpawnThread.RunAsync(() => Process.Start(start)!);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
