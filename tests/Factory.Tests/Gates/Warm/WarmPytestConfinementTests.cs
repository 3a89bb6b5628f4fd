using Factory.Dataflow;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Dataflow.Workspace;

namespace Factory.Tests.Gates.Warm;

/// <summary>
/// What code under test can reach when pytest starts in the warm server, checked from inside by a hostile test file,
/// and the same file run the ordinary way: each check holds in both, so a warm run is confined as a fresh sandbox is.
/// </summary>
public sealed class WarmPytestConfinementTests
{
    private const string Secret = "the other request's secret";

    /// <summary>Each test asserts one guarantee of the sandbox; SIBLING and SCRATCH are filled in per run.</summary>
    private const string EscapeTests = """
        import os, socket

        SIBLING = "@SIBLING@"


        def status():
            return dict(line.rstrip("\n").split(":\t", 1) for line in open("/proc/self/status"))


        def test_another_requests_worktree_is_not_there():
            assert not os.path.exists(SIBLING)
            assert os.listdir(os.path.dirname(os.getcwd())) == [os.path.basename(os.getcwd())]


        def test_no_user_id_is_root_and_no_capability_is_left():
            now = status()
            assert "0" not in now["Uid"].split()
            for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
                assert int(now[name], 16) == 0, name
            assert now["NoNewPrivs"] == "1"
            assert now["Seccomp"] == "2"


        def test_the_worktree_is_read_only():
            try:
                open("planted.py", "w")
            except OSError:
                return
            raise AssertionError("wrote into the worktree")


        def test_no_other_process_is_visible():
            pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
            assert pids[0] == 1 and os.getpid() <= 3, pids
            try:
                os.kill(1, 0)
            except PermissionError:
                return
            raise AssertionError("could signal pid 1")


        def test_no_network():
            try:
                socket.create_connection(("10.255.255.1", 80), timeout=2)
            except OSError:
                return
            raise AssertionError("reached the network")


        def test_cgroups_cannot_be_changed():
            for line in open("/proc/self/cgroup"):
                controllers, path = line.strip().split(":", 2)[1:]
                if controllers in ("memory", "pids"):
                    try:
                        open(f"/sys/fs/cgroup/{controllers}{path}/cgroup.procs", "w").write("0")
                    except OSError:
                        continue
                    raise AssertionError("moved itself out of its " + controllers + " cgroup")


        def test_tmp_holds_nothing_of_an_earlier_run():
            assert not os.path.exists("/tmp/left-by-an-earlier-run")
            open("/tmp/left-by-an-earlier-run", "w").write("x")
        """;

    [Fact]
    public async Task Code_under_test_in_a_warm_run_is_confined_as_in_a_fresh_sandbox()
    {
        await using var gates = await GateFixture.CreateAsync();

        // Worktrees outside /tmp (which every run replaces anyway), so hiding the worktree folder itself is what is tested.
        var state = Directory.CreateDirectory(Path.Combine("/var/tmp", "factory-warm-test-" + Guid.NewGuid().ToString("N")));
        try
        {
            var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = gates.Repo.CheckoutPath, StateDirectory = state.FullName });
            await using var mine = await provider.CreateAsync(new FeatureRequest("mine", "this request"), null, CancellationToken.None);
            await using var sibling = await provider.CreateAsync(new FeatureRequest("other", "another request"), null, CancellationToken.None);
            var secret = Path.Combine(sibling.RootPath, "secret.txt");
            File.WriteAllText(secret, Secret);
            File.WriteAllText(Path.Combine(mine.RootPath, "tests", "test_escape.py"), EscapeTests.Replace("@SIBLING@", secret));
            var options = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true };

            var fresh = await RunAsync(gates.Runner, options, mine.RootPath, warm: false);
            var warm = await RunAsync(gates.Runner, options, mine.RootPath, warm: true);
            var warmAgain = await RunAsync(gates.Runner, options, mine.RootPath, warm: true);

            // A state folder outside /tmp, /root and /home (as queue workers' --state sets): a fresh sandbox hides the
            // worktrees folder but for the run's own worktree, as a warm run does.
            Assert.False(fresh.Run.Served);
            Assert.True(AllEscapeChecksHeld(fresh), fresh.Run.Output);
            foreach (var run in new[] { warm, warmAgain })
            {
                Assert.True(run.Run.Served, run.Run.Output);
                Assert.True(AllEscapeChecksHeld(run), run.Run.Output);
                Assert.NotEqual(0u, run.Run.UserId);
            }

            Assert.Equal(Secret, File.ReadAllText(secret));
            Assert.False(File.Exists(Path.Combine(mine.RootPath, "planted.py")));
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_warm_run_cannot_forge_its_answer_through_an_inherited_descriptor()
    {
        await using var gates = await GateFixture.CreateAsync();
        // Writes what the server would answer for a passing run to every descriptor it can, then fails.
        File.WriteAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_forge.py"), """
            import json, os


            def test_forges_a_pass():
                run_id = os.path.basename(os.path.dirname(os.environ["COVERAGE_FILE"].rsplit("/", 1)[0]))
                forged = (json.dumps({"id": run_id, "exit": 0}) + "\n").encode()
                for fd in range(3, 1024):
                    try:
                        os.write(fd, forged)
                    except OSError:
                        pass
                os.write(1, forged)
                assert False, "this run fails"
            """);
        var options = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true };

        var run = await RunAsync(gates, options, warm: true);

        Assert.True(run.Run.Served, run.Run.Output);
        Assert.Equal(1, run.Run.ExitCode);
        Assert.Equal(TestOutcome.Failed, run.Tests!.Single(t => t.Key.Contains("test_forges_a_pass", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task A_warm_run_past_its_timeout_is_killed_and_the_server_serves_the_next_run()
    {
        await using var gates = await GateFixture.CreateAsync();
        File.WriteAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_hang.py"), """
            import os, time


            def test_hangs_unless_told_not_to():
                if not os.path.exists("tests/stop"):
                    time.sleep(600)
            """);
        var options = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true };

        var hung = await RunAsync(gates, options, warm: true, TimeSpan.FromSeconds(8));
        File.WriteAllText(Path.Combine(gates.Workspace.RootPath, "tests", "stop"), "");
        var next = await RunAsync(gates, options, warm: true);

        Assert.True(hung.Run.TimedOut, hung.Run.Output);
        Assert.Equal(-1, hung.Run.ExitCode);
        Assert.Contains("did not finish within 8 s and was killed", hung.Run.StandardError);
        Assert.True(next.Run.Served, next.Run.Output);
        Assert.Equal(0, next.Run.ExitCode);
    }

    [Fact]
    public async Task Each_warm_run_has_a_network_namespace_of_its_own_with_a_working_loopback()
    {
        await using var gates = await GateFixture.CreateAsync();
        // Fails on purpose, so its message (the network namespace it saw) is in the output.
        File.WriteAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_network.py"), """
            import os, socket


            def test_reports_its_network_namespace():
                with socket.socket() as server, socket.socket() as client:
                    server.bind(("127.0.0.1", 0))
                    server.listen(1)
                    client.connect(server.getsockname())
                assert False, "namespace " + os.readlink("/proc/self/ns/net")
            """);
        var options = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true };

        var run = await RunAsync(gates, options, warm: true);
        var server = await WarmPytest.ServerForAsync(gates.Runner, options.ValidateAndCopy(), gates.Workspace.RootPath);

        Assert.True(run.Run.Served, run.Run.Output);
        var seen = System.Text.RegularExpressions.Regex.Match(run.Run.Output, @"AssertionError: namespace (net:\[\d+\])");
        Assert.True(seen.Success, run.Run.Output);
        // Every process of the server (bubblewrap, its init, the interpreter) is in the server's one namespace; a run
        // sharing it could talk to another run over its loopback (or an abstract unix socket) while both run.
        var serverNamespaces = ProcessTree.Descendants(server!.ProcessId).Prepend(server.ProcessId).Select(pid => new FileInfo($"/proc/{pid}/ns/net").LinkTarget ?? "")
            .Where(n => n.Length > 0).ToHashSet();
        Assert.NotEmpty(serverNamespaces);
        Assert.DoesNotContain(seen.Groups[1].Value, serverNamespaces);
    }

    [Fact]
    public async Task A_warm_run_past_its_memory_bound_is_killed_by_its_own_cgroup()
    {
        await using var gates = await GateFixture.CreateAsync();
        File.WriteAllText(Path.Combine(gates.Workspace.RootPath, "tests", "test_memory.py"), """
            def test_takes_more_memory_than_the_bound():
                chunks = [bytearray(16 * 1024 * 1024) for _ in range(40)]
                assert len(chunks) == 40
            """);
        var runner = new SandboxedRunner(new SandboxOptions { MemoryLimitBytes = 320L * 1024 * 1024 });
        var options = new GateOptions { MypyCacheDirectory = gates.Options.MypyCacheDirectory, WarmPytest = true };

        var run = await RunAsync(runner, options, gates.Workspace.RootPath, warm: true);
        var fresh = await RunAsync(runner, options, gates.Workspace.RootPath, warm: false);

        Assert.True(run.Run.Served, run.Run.Output);
        Assert.True(run.Run.BoundsReached.HasFlag(SandboxBounds.Memory), $"{run.Run.BoundsReached}: {run.Run.Output}");
        Assert.Contains("The sandbox reached its memory bound (320 MiB", run.Run.Output);
        Assert.NotEqual(0, run.Run.ExitCode);
        Assert.Equal(fresh.Run.BoundsReached, run.Run.BoundsReached);
    }

    private static bool AllEscapeChecksHeld(PytestResult run) =>
        run.Tests?.Where(t => t.Key.Contains("test_escape", StringComparison.Ordinal)).ToList() is { Count: 7 } checks &&
        checks.All(t => t.Value == TestOutcome.Passed);

    private static Task<PytestResult> RunAsync(GateFixture gates, GateOptions options, bool warm, TimeSpan? timeout = null) =>
        RunAsync(gates.Runner, options, gates.Workspace.RootPath, warm, timeout);

    private static Task<PytestResult> RunAsync(SandboxedRunner runner, GateOptions options, string root, bool warm, TimeSpan? timeout = null) =>
        PytestRun.RunAsync(
            runner, options.ValidateAndCopy(), GateConfig.Default, root, ["tests"], coverage: false,
            timeout ?? TimeSpan.FromSeconds(120), CancellationToken.None, warm: warm);
}
