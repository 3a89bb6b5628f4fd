using CliWrap;
using CliWrap.Buffered;

namespace Factory.Benchmarks.Support;

/// <summary>
/// The ruff on PATH when it is tools/ruff's WebAssembly wrapper (a node script): where the script is, so it can be run
/// with and without V8's WebAssembly tier-up. Null when ruff is native or missing.
/// </summary>
internal static class RuffWasm
{
    public static readonly Lazy<string?> Script = new(Find);

    public static async Task<int> CheckAsync(string root, params string[] nodeFlags)
    {
        var result = await Cli.Wrap("node")
            .WithArguments([.. nodeFlags, Script.Value!, "check", "--no-cache", "."])
            .WithWorkingDirectory(root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        return result.ExitCode == 0
            ? 0
            : throw new InvalidOperationException($"ruff exited {result.ExitCode}, so the benchmark would measure the wrong work:\n{result.StandardOutput}{result.StandardError}");
    }

    private static string? Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "ruff");
            if (File.Exists(candidate))
            {
                var target = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
                using var reader = new StreamReader(target);
                return reader.ReadLine() is { } shebang && shebang.Contains("node", StringComparison.Ordinal) ? target : null;
            }
        }

        return null;
    }
}
