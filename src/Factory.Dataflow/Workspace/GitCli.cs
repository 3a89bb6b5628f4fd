using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// Runs git with an argument array (never a shell string). Hooks, auto-gc, signing and fsmonitor are off: the factory's
/// own git commands must not run the repository's hooks on model-written content, nor start background work.
/// </summary>
internal static class GitCli
{
    private static readonly string[] s_safetyConfig =
    [
        "-c", "core.hooksPath=/dev/null",
        "-c", "gc.auto=0",
        "-c", "maintenance.auto=false",
        "-c", "commit.gpgsign=false",
        "-c", "core.fsmonitor=false",
        "-c", "advice.detachedHead=false",
    ];

    // Inherited GIT_* variables would redirect every command (another repository, another index), so all are removed.
    private static readonly Lazy<Dictionary<string, string?>> s_baseEnvironment = new(() =>
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("GIT_", StringComparison.Ordinal))
            {
                environment[name] = null;
            }
        }

        environment["GIT_TERMINAL_PROMPT"] = "0";
        environment["GIT_OPTIONAL_LOCKS"] = "0";
        environment["LC_ALL"] = "C";
        return environment;
    });

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs git in <paramref name="workingDirectory"/> and returns stdout; throws when it exits non-zero.</summary>
    public static async Task<string> RunAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        ReadOnlyMemory<byte>? standardInput = null)
    {
        var result = await TryRunAsync(workingDirectory, arguments, cancellationToken, environment, standardInput).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new GitCommandException(
                $"git {string.Join(' ', arguments)} failed in {workingDirectory} (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }

    /// <summary>Runs git and returns its result whatever the exit code.</summary>
    public static async Task<BufferedCommandResult> TryRunAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        ReadOnlyMemory<byte>? standardInput = null)
    {
        var variables = new Dictionary<string, string?>(s_baseEnvironment.Value, StringComparer.Ordinal);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                variables[name] = value;
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        // Inside a stage attempt, git runs under a shell that reports its CPU time, charged to the attempt (cpu_ms).
        var (executable, argv) = ChildCpuTimes.Wanted ? ChildCpuTimes.Wrap("git", [.. s_safetyConfig, .. arguments]) : ("git", [.. s_safetyConfig, .. arguments]);
        try
        {
            var result = await Cli.Wrap(executable)
                .WithArguments(argv)
                .WithWorkingDirectory(workingDirectory)
                .WithEnvironmentVariables(variables)
                .WithStandardInputPipe(standardInput is { } input ? PipeSource.FromBytes(input) : PipeSource.Null)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, timeout.Token)
                .ConfigureAwait(false);
            if (executable == "git")
            {
                return result;
            }

            var (standardError, cpuTime) = ChildCpuTimes.Take(result.StandardError);
            ProcessCpuAccount.Charge(cpuTime);
            // The shell says 127 when git is not installed, where git itself would not have started at all.
            return result.ExitCode == 127 && standardError.Contains("git: not found", StringComparison.Ordinal) ||
                   result.ExitCode == 127 && standardError.Contains("git: command not found", StringComparison.Ordinal)
                ? throw new System.ComponentModel.Win32Exception(2, standardError.Trim())
                : new BufferedCommandResult(result.ExitCode, result.StartTime, result.ExitTime, result.StandardOutput, standardError);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GitCommandException($"git {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s in {workingDirectory}.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new GitCommandException("git is not installed or not on PATH (apt-get install git, or run scripts/setup-gates.sh).", exception);
        }
    }
}
