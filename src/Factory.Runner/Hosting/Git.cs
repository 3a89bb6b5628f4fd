using System.Diagnostics;

namespace Factory.Runner.Hosting;

/// <summary>The few git commands the runner itself needs (the library does the rest).</summary>
internal static class Git
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string repository, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repository };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static async Task<bool> BranchExistsAsync(string repository, string branch, CancellationToken cancellationToken) =>
        (await RunAsync(repository, ["rev-parse", "--verify", "--quiet", "refs/heads/" + branch], cancellationToken).ConfigureAwait(false)).ExitCode == 0;
}
