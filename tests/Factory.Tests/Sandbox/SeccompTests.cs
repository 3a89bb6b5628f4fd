using Factory.Dataflow.Sandbox;
using Xunit.Abstractions;

namespace Factory.Tests.Sandbox;

/// <summary>
/// The system call filter. Most calls tried here succeed for the sandbox's unprivileged user on this kernel without it
/// (the last test shows which), so their refusal is the filter's doing.
/// </summary>
public sealed class SeccompTests(ITestOutputHelper output)
{
    private const string Probe = """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def attempt(name, *call):
            result = libc.syscall(*call)
            print(name, 'succeeded' if result >= 0 else os.strerror(ctypes.get_errno()))
        CLONE_NEWUSER, CLONE_NEWNS, SIGCHLD = 0x10000000, 0x20000, 17
        attempt('unshare-user', 272, CLONE_NEWUSER)
        attempt('unshare-mount', 272, CLONE_NEWNS)
        attempt('clone-newuser', 56, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)
        attempt('clone3', 435, 0, 0)
        attempt('ptrace-traceme', 101, 0, 0, 0, 0)
        attempt('add_key', 248, b'user', b'factory', b'secret', 6, -3)
        attempt('io_uring_setup', 425, 1, ctypes.create_string_buffer(120))
        attempt('userfaultfd', 323, 1)  # UFFD_USER_MODE_ONLY: allowed unprivileged
        attempt('vsock', 41, 40, 1, 0)
        """;

    [Fact(Timeout = 120_000)]
    public async Task Namespace_tracing_keyring_and_io_uring_calls_are_refused()
    {
        using var sandbox = SandboxFolder.Create(output: output);

        var result = await sandbox.RunPythonAsync(Probe);

        Assert.True(result.Layers!.Seccomp);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[0], l => l.Split(' ', 2)[1]);
        foreach (var call in new[] { "unshare-user", "unshare-mount", "clone-newuser", "ptrace-traceme", "add_key", "io_uring_setup", "userfaultfd", "vsock" })
        {
            Assert.Equal("Operation not permitted", lines[call]);
        }

        // clone3's flags cannot be read by the filter: "not implemented" makes libc fall back to clone, as it does for Docker.
        Assert.Equal("Function not implemented", lines["clone3"]);
    }

    // i386's getpid through int 0x80 from a 64-bit process: the same kernel, another table of call numbers.
    private const string I386Call = """
        import ctypes, mmap
        code = bytes([0xb8, 0x14, 0, 0, 0, 0xcd, 0x80, 0xc3])  # mov eax, 20; int 0x80; ret
        memory = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        memory.write(code)
        address = ctypes.addressof(ctypes.c_char.from_buffer(memory))
        print('i386 call returned', ctypes.CFUNCTYPE(ctypes.c_int)(address)(), flush=True)
        """;

    [Fact(Timeout = 120_000)]
    public async Task A_call_through_another_architectures_numbers_kills_the_process()
    {
        using var sandbox = SandboxFolder.Create(output: output);

        var result = await sandbox.RunPythonAsync(I386Call);

        Assert.Equal(128 + 31, result.ExitCode); // SIGSYS: the filter's "kill the process" for a foreign architecture.
        Assert.DoesNotContain("returned", result.StandardOutput);
    }

    [Fact(Timeout = 120_000)]
    public async Task Threads_and_child_processes_still_work_under_the_filter()
    {
        using var sandbox = SandboxFolder.Create(output: output);

        var result = await sandbox.RunPythonAsync("""
            import subprocess, sys, threading
            box = []
            worker = threading.Thread(target=lambda: box.append('thread'))
            worker.start(); worker.join()
            child = subprocess.run([sys.executable, '-c', 'print("child")'], capture_output=True, text=True)
            print(box[0], child.stdout.strip())
            """);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("thread child\n", result.StandardOutput);
    }

    [Fact(Timeout = 120_000)]
    public async Task Without_the_filter_the_same_calls_succeed_which_is_why_it_is_there()
    {
        using var sandbox = SandboxFolder.Create(o => o.Seccomp = SandboxRequirement.Off, output);

        var result = await sandbox.RunPythonAsync(Probe);

        Assert.False(result.Layers!.Seccomp);
        foreach (var call in new[] { "unshare-user", "unshare-mount", "add_key", "io_uring_setup", "userfaultfd", "vsock" })
        {
            Assert.Contains($"{call} succeeded", result.StandardOutput);
        }

        Assert.Contains("i386 call returned", (await sandbox.RunPythonAsync(I386Call)).StandardOutput);
    }
}
