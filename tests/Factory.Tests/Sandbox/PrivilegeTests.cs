using System.Runtime.Versioning;
using Factory.Dataflow.Sandbox;
using Xunit.Abstractions;
using Factory.Tests.Gates;

namespace Factory.Tests.Sandbox;

/// <summary>Root's rights do not survive into the sandbox: identity, capabilities, and what they would reach.</summary>
[SupportedOSPlatform("linux")]
public sealed class PrivilegeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task The_sandboxed_process_runs_as_an_unprivileged_user_with_no_capability_at_all()
    {
        using var sandbox = SandboxFolder.Create(output: output);

        var result = await sandbox.RunPythonAsync("""
            import os
            for line in open('/proc/self/status'):
                if line.split(':')[0] in ('Uid', 'Gid', 'Groups', 'CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp'):
                    print(line.strip())
            print('uid_map', open('/proc/self/uid_map').read().split())
            """);

        Assert.Equal(0, result.ExitCode);
        var status = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(null as char[], 2, StringSplitOptions.TrimEntries)).ToDictionary(p => p[0].TrimEnd(':'), p => p.Length > 1 ? p[1] : "");
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
        {
            Assert.Equal("0000000000000000", status[set]);
        }

        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal("2", status["Seccomp"]);
        Assert.Equal("", status["Groups"]);
        var uid = result.UserId!.Value;
        Assert.InRange(uid, 0x7000_0000u, 0x7000_0000u + 255);
        Assert.Equal(string.Join('\t', Enumerable.Repeat(uid.ToString(), 4)), status["Uid"].Replace(' ', '\t'));
        Assert.Equal(string.Join('\t', Enumerable.Repeat(uid.ToString(), 4)), status["Gid"].Replace(' ', '\t'));

        // Its own user namespace, mapping only its own id (this kernel allows unprivileged user namespaces).
        Assert.Equal($"['{uid}', '{uid}', '1']", status["uid_map"]);
        Assert.Equal(new SandboxLayers(SandboxIdentityMode.DroppedFromRoot, true, true, result.Layers!.Memory, result.Layers.Processes, true, result.Layers.CpuShare), result.Layers);
    }

    [Fact(Timeout = 120_000)]
    public async Task Root_owned_files_that_only_root_may_read_stay_unreadable()
    {
        using var sandbox = SandboxFolder.Create(output: output);
        var secret = $"/var/tmp/factory-secret-{Guid.NewGuid():N}";
        File.WriteAllText(secret, "host-key-material");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            var result = await sandbox.RunPythonAsync($$"""
                for path in ('{{secret}}', '/etc/shadow'):
                    try:
                        print(path, 'READ', open(path).read())
                    except OSError as error:
                        print(path, 'refused:', error.strerror)
                """);

            Assert.Contains($"{secret} refused: Permission denied", result.StandardOutput);
            Assert.Contains("/etc/shadow refused: Permission denied", result.StandardOutput);
            Assert.DoesNotContain("host-key-material", result.StandardOutput);
            Assert.DoesNotContain("READ", result.StandardOutput);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_root_only_unix_socket_on_the_host_cannot_be_reached_from_inside()
    {
        // The network namespace does not cover sockets in the file system: /var/run/docker.sock is one (root:docker 0660),
        // and a connection to it is root on the host. Only the sandbox's identity keeps it out.
        using var sandbox = SandboxFolder.Create(output: output);
        var path = $"/var/tmp/factory-socket-{Guid.NewGuid():N}";
        using var listener = new System.Net.Sockets.Socket(
            System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        try
        {
            var result = await sandbox.RunPythonAsync($$"""
                import socket
                client = socket.socket(socket.AF_UNIX)
                try:
                    client.connect('{{path}}')
                    print('CONNECTED')
                except OSError as error:
                    print('refused:', error.strerror)
                """);

            Assert.Equal("refused: Permission denied\n", result.StandardOutput);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task A_generated_test_cannot_remount_its_way_into_the_host_the_users_checkout_or_its_git_hooks()
    {
        // The attack that worked as root: lift the private /tmp off the real one, make / writable again, then write a
        // host file, a file in the user's checkout and a hook that git would run on the user's next commit.
        await using var gates = await GateFixture.CreateAsync();
        var checkout = gates.Repo.CheckoutPath;
        var marker = Guid.NewGuid().ToString("N");
        var targets = new[]
        {
            $"/var/tmp/factory-escape-{marker}",
            Path.Combine(checkout, $"planted-{marker}.txt"),
            Path.Combine(checkout, ".git", "hooks", "pre-commit"),
        };
        var command = new SandboxCommand(SandboxFolder.Python, ["-c", $$"""
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            MS_REMOUNT, MS_BIND, MNT_DETACH = 32, 4096, 2
            print('umount /tmp:', libc.umount2(b'/tmp', MNT_DETACH), os.strerror(ctypes.get_errno()))
            print('remount / rw:', libc.mount(None, b'/', None, MS_REMOUNT | MS_BIND, None), os.strerror(ctypes.get_errno()))
            print('tmpfs over .git:', libc.mount(b'none', b'.git', b'tmpfs', 0, None), os.strerror(ctypes.get_errno()))
            for path in {{PythonList(targets)}}:
                try:
                    with open(path, 'w') as planted:
                        planted.write('#!/bin/sh\ntouch /tmp/pwned\n')
                    print('WROTE', path)
                except OSError as error:
                    print('refused:', path, error.strerror)
            """], gates.Workspace.RootPath)
        {
            ReadOnlyPaths = [".", ".git"],
            Timeout = TimeSpan.FromSeconds(60),
        };

        var result = await gates.Runner.RunAsync(command, CancellationToken.None);

        Assert.Contains("umount /tmp: -1 Operation not permitted", result.StandardOutput);
        Assert.Contains("remount / rw: -1 Operation not permitted", result.StandardOutput);
        Assert.Contains("tmpfs over .git: -1 Operation not permitted", result.StandardOutput);
        Assert.DoesNotContain("WROTE", result.StandardOutput);
        foreach (var target in targets)
        {
            Assert.False(File.Exists(target), $"{target} was written from inside the sandbox");
        }

        // DisposeAsync also checks the checkout is byte-for-byte as it was.
    }

    private static string PythonList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => $"'{i}'")) + "]";
}
