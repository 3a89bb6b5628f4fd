using Factory.Dataflow.Sandbox;
using Xunit.Abstractions;

namespace Factory.Tests.Sandbox;

/// <summary>A throwaway working folder and a runner (with the given options) that runs Python in the sandbox there.</summary>
public sealed class SandboxFolder : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly ITestOutputHelper? _output;

    private SandboxFolder(SandboxOptions options, ITestOutputHelper? output)
    {
        Runner = new SandboxedRunner(options);
        _output = output;
    }

    public DirectoryInfo Work { get; } = Directory.CreateTempSubdirectory("factory-sandbox-");

    public SandboxedRunner Runner { get; }

    public static SandboxFolder Create(Action<SandboxOptions>? configure = null, ITestOutputHelper? output = null)
    {
        // The sandbox's own tests are about Factory as CI and containers run it: as root.
        Assert.True(Environment.IsPrivilegedProcess, "The sandbox tests run as root (as CI does): they check what root's rights become inside.");
        var options = new SandboxOptions();
        configure?.Invoke(options);
        return new SandboxFolder(options, output);
    }

    public async Task<SandboxResult> RunPythonAsync(string code, TimeSpan? timeout = null, IReadOnlyList<string>? writable = null)
    {
        var result = await Runner.RunAsync(
            new SandboxCommand(Python, ["-c", code], Work.FullName) { Timeout = timeout ?? TimeSpan.FromSeconds(60), WritablePaths = writable ?? [] },
            CancellationToken.None);

        // What the sandbox said, for the test's log (a failing assertion then shows why).
        _output?.WriteLine($"exit {result.ExitCode}, bounds {result.BoundsReached}, uid {result.UserId}, layers {result.Layers}");
        _output?.WriteLine($"stdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
        return result;
    }

    /// <summary>
    /// Python that writes <paramref name="file"/> one MiB at a time, up to <paramref name="mebibytes"/>, and prints
    /// "refused after N MiB: reason" when a write fails, or "wrote N MiB".
    /// </summary>
    public static string FillScript(string file, int mebibytes) => $$"""
        written = 0
        try:
            with open('{{file}}', 'wb') as fill:
                for _ in range({{mebibytes}}):
                    fill.write(b'x' * (1024 * 1024))
                    fill.flush()
                    written += 1
            print('wrote', written, 'MiB')
        except OSError as error:
            print('refused after', written, 'MiB:', error.strerror)
        """;

    public void Dispose() => Work.Delete(recursive: true);
}
