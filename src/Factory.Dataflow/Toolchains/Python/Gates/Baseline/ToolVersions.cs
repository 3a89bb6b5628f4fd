using System.Collections.Concurrent;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates.Baseline;

/// <summary>
/// The versions of the interpreter and the tools the gates run, asked once per process: part of a baseline's key, so
/// upgrading ruff, mypy, pytest or coverage computes new baselines.
/// </summary>
internal static class ToolVersions
{
    private const string Script = """
        import sys
        from importlib import metadata
        print(sys.version.split()[0])
        for name in ("pytest", "pytest-cov", "coverage", "mypy"):
            try:
                print(name, metadata.version(name))
            except metadata.PackageNotFoundError:
                print(name, "missing")
        """;

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> s_versions = new(StringComparer.Ordinal);

    public static Task<string> GetAsync(SandboxedRunner runner, GateOptions options, IReadOnlyList<string> lint)
    {
        // Keyed by what is asked, so a failed look-up (cancelled, say) is not kept for the next caller.
        var key = options.PythonInterpreter + "\n" + lint[0];
        var lazy = s_versions.GetOrAdd(key, _ => new Lazy<Task<string>>(() => AskAsync(runner, options, lint[0])));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            s_versions.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, lazy));
        }

        return task;
    }

    private static async Task<string> AskAsync(SandboxedRunner runner, GateOptions options, string lintTool)
    {
        var scratch = Directory.CreateTempSubdirectory("factory-versions-");
        try
        {
            var python = await runner.RunAsync(
                new SandboxCommand(options.PythonInterpreter, ["-I", "-c", Script], scratch.FullName) { Timeout = options.ValidateTimeout },
                CancellationToken.None).ConfigureAwait(false);
            var text = $"python {options.PythonInterpreter}: {python.Output.Trim()}";
            if (!ToolBootstrap.IsPythonTool(lintTool) && lintTool is not ("python" or "python3"))
            {
                var lint = await runner.RunAsync(
                    new SandboxCommand(lintTool, ["--version"], scratch.FullName) { Timeout = options.ValidateTimeout },
                    CancellationToken.None).ConfigureAwait(false);
                text += $"\n{lintTool}: {lint.Output.Trim()}";
            }

            return text;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
