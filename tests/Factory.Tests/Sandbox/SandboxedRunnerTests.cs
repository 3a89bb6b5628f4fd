using System.Net;
using System.Net.Sockets;
using Factory.Dataflow.Sandbox;

namespace Factory.Tests.Sandbox;

public sealed class SandboxedRunnerTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factory-sandbox-");
    private readonly SandboxedRunner _runner = new(new SandboxOptions());

    public void Dispose() => _work.Delete(recursive: true);

    private Task<SandboxResult> RunPythonAsync(string code, TimeSpan? timeout = null) =>
        _runner.RunAsync(new SandboxCommand(Python, ["-c", code], _work.FullName) { Timeout = timeout }, CancellationToken.None);

    [Fact]
    public async Task An_executable_that_is_not_allowlisted_is_refused()
    {
        var error = await Assert.ThrowsAsync<GateEnvironmentException>(
            () => _runner.RunAsync(new SandboxCommand("/bin/sh", ["-c", "echo hi"], _work.FullName), CancellationToken.None));

        Assert.Contains("not an allowlisted executable", error.Message);
    }

    [Fact]
    public async Task A_command_runs_in_the_worktree_and_its_output_and_exit_code_come_back()
    {
        var result = await RunPythonAsync("import os, sys; print(os.getcwd()); print('oops', file=sys.stderr); sys.exit(3)");

        Assert.True(result.Sandboxed);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(_work.FullName + "\n", result.StandardOutput);
        Assert.Equal("oops\n", result.StandardError);
    }

    [Fact]
    public async Task The_environment_is_scrubbed_of_the_factorys_own_variables()
    {
        Environment.SetEnvironmentVariable("FACTORY_TEST_SECRET", "hunter2");
        try
        {
            var result = await RunPythonAsync("import os; print(sorted(os.environ))");

            Assert.DoesNotContain("FACTORY_TEST_SECRET", result.StandardOutput);
            Assert.Contains("'PATH'", result.StandardOutput);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FACTORY_TEST_SECRET", null);
        }
    }

    [Fact]
    public async Task Home_folders_are_hidden_so_their_secrets_cannot_be_copied_into_the_worktree()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var secret = Path.Combine(home, $".factory-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secret, "ssh-key-material");
        try
        {
            var result = await RunPythonAsync($$"""
                import pathlib
                try:
                    print('READ', pathlib.Path('{{secret}}').read_text())
                except OSError as error:
                    print('hidden:', type(error).__name__)
                """);

            Assert.Contains("hidden: FileNotFoundError", result.StandardOutput);
            Assert.DoesNotContain("ssh-key-material", result.StandardOutput);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task The_root_is_read_only_while_the_worktree_and_a_private_tmp_are_writable()
    {
        // Not under /tmp: inside the sandbox /tmp is private, so a write there would succeed without reaching the host.
        var outside = $"/var/tmp/factory-escape-{Guid.NewGuid():N}";
        var result = await RunPythonAsync($$"""
            import pathlib
            pathlib.Path('inside.txt').write_text('ok')
            pathlib.Path('/tmp/private.txt').write_text('ok')
            try:
                pathlib.Path('{{outside}}').write_text('escaped')
                print('ESCAPED')
            except OSError as error:
                print('blocked:', error)
            """);

        Assert.Contains("blocked:", result.StandardOutput);
        Assert.False(File.Exists(outside));
        Assert.True(File.Exists(Path.Combine(_work.FullName, "inside.txt")));
    }

    [Fact]
    public async Task Read_only_paths_inside_the_worktree_cannot_be_rewritten()
    {
        File.WriteAllText(Path.Combine(_work.FullName, ".git"), "gitdir: /somewhere/real\n");
        var command = new SandboxCommand(Python, ["-c", "open('.git', 'w').write('gitdir: /tmp/evil')"], _work.FullName)
        {
            ReadOnlyPaths = [".git"],
        };

        var result = await _runner.RunAsync(command, CancellationToken.None);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Read-only file system", result.StandardError);
        Assert.Equal("gitdir: /somewhere/real\n", File.ReadAllText(Path.Combine(_work.FullName, ".git")));
    }

    [Fact]
    public async Task There_is_no_network_inside_the_sandbox()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await RunPythonAsync($"""
            import socket
            try:
                socket.create_connection(('127.0.0.1', {port}), timeout=5)
                print('CONNECTED')
            except OSError as error:
                print('blocked:', error)
            """);

        Assert.Contains("blocked:", result.StandardOutput);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task A_command_that_never_ends_is_killed_at_its_timeout_with_its_whole_process_tree()
    {
        var marker = $"factory-marker-{Guid.NewGuid():N}";

        // A child that detaches into its own session (as a daemon would) and a parent that spins forever.
        var result = await RunPythonAsync($"""
            import subprocess, sys
            subprocess.Popen([sys.executable, '-c', 'import time\nwhile True: time.sleep(1)', '{marker}'], start_new_session=True)
            print('started', flush=True)
            while True:
                pass
            """, TimeSpan.FromSeconds(3));

        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("started", result.StandardOutput);
        Assert.Contains("was killed", result.StandardError);
        Assert.True(await ProcessTable.NoneRunningAsync(marker), $"a process with {marker} outlived the timeout");
    }
}
