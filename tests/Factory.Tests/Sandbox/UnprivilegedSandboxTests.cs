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

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsUserAsync(IReadOnlyList<string> bwrapArguments)
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--reuid", $"{User}", "--regid", $"{User}", "--clear-groups", "--", "/usr/bin/bwrap", .. bwrapArguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
