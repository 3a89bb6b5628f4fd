using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Factory.Dataflow.Sandbox;

/// <summary>Long-lived tools (the served ruff): one process in one sandbox, talked to through its stdin and stdout.</summary>
public sealed partial class SandboxedRunner
{
    private string? _configurationKey;

    /// <summary>Identifies what this runner's sandboxes are (its options): runners with equal keys make equal sandboxes.</summary>
    internal string ConfigurationKey => _configurationKey ??= JsonSerializer.Serialize(_options);

    /// <summary>The CPU time bound of each sandboxed process (RLIMIT_CPU's soft limit).</summary>
    internal TimeSpan CpuTimeLimit => _options.CpuTimeLimit;

    /// <summary>The allowlisted executable's full path, as <see cref="RunAsync"/> would start it.</summary>
    /// <exception cref="GateEnvironmentException">It is not allowlisted or not installed.</exception>
    internal string ResolveExecutable(string executable) => ResolveAllowed(executable);

    /// <summary>
    /// Starts <paramref name="command"/> as a long-lived process under exactly the sandbox <see cref="RunAsync"/> gives a
    /// command (the same bubblewrap, launcher, identity, cgroup bounds, seccomp filter and resource limits), with its
    /// stdin and stdout kept open for requests. <see cref="SandboxCommand.Timeout"/> does not apply: the caller bounds
    /// each request. Dispose the process to end it.
    /// </summary>
    /// <exception cref="GateEnvironmentException">bubblewrap is not available, or the command is not allowlisted.</exception>
    internal async Task<SandboxedProcess> StartAsync(SandboxCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_bubblewrapAvailable)
        {
            throw new GateEnvironmentException("Long-lived tools run only sandboxed, and bubblewrap is not available.");
        }

        var executable = ResolveAllowed(command.Executable);
        var writable = WritablePaths(command);
        var factoryUser = (User: LibC.EffectiveUserId, Group: LibC.EffectiveGroupId);
        var dropped = _mode == SandboxIdentityMode.DroppedFromRoot;
        var identity = _identities?.Acquire() ?? new SandboxIdentity(factoryUser.User, factoryUser.Group, heldLock: null);
        SandboxCgroup? cgroup = null;
        try
        {
            var (program, arguments) = EnterSandbox(command, executable, BaseEnvironment(command), identity, writable, out cgroup);
            var start = PipedStart(program, arguments);
            start.WorkingDirectory = command.WorkingDirectory;

            // From the spawn thread, as every sandbox: bubblewrap's --die-with-parent then ends it only with Factory.
            var process = await SpawnThread.RunAsync(() => Process.Start(start)
                ?? throw new GateEnvironmentException($"Could not start the sandbox for '{command.Display}'.")).ConfigureAwait(false);
            return new SandboxedProcess(process, identity, cgroup, dropped ? writable : [], factoryUser, _options.MaxOutputChars, _logger);
        }
        catch
        {
            cgroup?.Remove();
            if (dropped)
            {
                WritableHandover.TakeBack(writable, factoryUser.User, factoryUser.Group);
            }

            identity.Dispose();
            throw;
        }
    }

    /// <summary>
    /// How a long-lived sandbox starts: stdin, stdout and stderr piped as UTF-8 (no byte order mark), no shell, and an
    /// empty environment (bubblewrap gives the tool its own).
    /// </summary>
    private static ProcessStartInfo PipedStart(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        return start;
    }

    /// <summary>What one request to a long-lived process printed, capped as <see cref="RunAsync"/> caps a command's output.</summary>
    internal SandboxResult ResultOfRequest(
        SandboxedProcess process, int exitCode, string standardOutput, string standardError, TimeSpan duration, TimeSpan? cpuTime)
    {
        var stdout = new HeadTailBuffer(_options.MaxOutputChars);
        stdout.Append(standardOutput);
        var stderr = new HeadTailBuffer(_options.MaxOutputChars);
        stderr.Append(standardError);
        var report = process.LauncherReport;
        return new SandboxResult(exitCode, stdout.ToString(), stderr.ToString(), TimedOut: false, duration, Sandboxed: true)
        {
            Layers = LayersReported(report),
            UserId = report?.UserId ?? process.UserId,
            CpuTime = cpuTime,
            Served = true,
        };
    }
}
