using System.Text.Json;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Dataflow.Toolchains.Python.Gates.Selection;

/// <summary>
/// Reads which tests ran code in which file from coverage.py's data file, written by a run with pytest-cov's
/// <c>--cov-context=test</c> (coverage.py 5+ and pytest-cov 2.8+ record a dynamic context per test phase,
/// <c>tests/test_main.py::test_root|run</c>). The data file is SQLite; the gates' own interpreter reads it (its
/// <c>sqlite3</c> module, nothing of the project's) in the sandbox, so Factory needs no SQLite library of its own.
/// </summary>
internal static class CoveringTests
{
    // Both tables: line_bits holds line data, arc holds branch data (a project with branch = true writes arcs only).
    // The empty context is code that ran outside any test (imports at collection time): no test is named for it.
    private const string Script = """
        import json, sqlite3, sys
        db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
        rows = db.execute(
            "select f.path, c.context from (select file_id, context_id from line_bits union select file_id, context_id from arc) u "
            "join file f on f.id = u.file_id join context c on c.id = u.context_id where c.context != ''")
        out = {}
        for path, context in rows:
            out.setdefault(path, set()).add(context.rsplit("|", 1)[0])
        with open(sys.argv[2], "w") as report:
            json.dump({path: sorted(ids) for path, ids in out.items()}, report)
        """;

    /// <summary>Per measured file (relative to <paramref name="root"/>, test files left out), the pytest node ids of the tests that ran code in it.</summary>
    /// <returns>The map, or null when the data file is missing or unreadable (selection then stays off: it is only a speed-up).</returns>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> ReadAsync(
        SandboxedRunner runner, GateOptions options, GateConfig config, string root, string dataFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(dataFile))
        {
            return null;
        }

        // To a file: the runner caps what it keeps of stdout, and a large suite's map is long.
        var report = Path.Combine(Path.GetDirectoryName(dataFile)!, "covering-tests.json");
        var command = new SandboxCommand(options.PythonInterpreter, ["-I", "-B", "-c", Script, dataFile, report], root)
        {
            Timeout = options.TestTimeout,
            ReadOnlyPaths = GateCommands.ReadOnlyPaths(config),
            WritablePaths = [Path.GetDirectoryName(dataFile)!],
        };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || result.TimedOut || !File.Exists(report))
        {
            return null;
        }

        Dictionary<string, string[]>? byPath;
        try
        {
            byPath = JsonSerializer.Deserialize<Dictionary<string, string[]>>(await File.ReadAllBytesAsync(report, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is JsonException or IOException)
        {
            return null;
        }

        var byFile = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (path, ids) in byPath ?? [])
        {
            var relative = Path.GetRelativePath(root, Path.GetFullPath(path, root)).Replace('\\', '/');
            if (!relative.StartsWith("../", StringComparison.Ordinal) && !config.IsTestFile(relative, PythonFiles.Instance))
            {
                byFile[relative] = ids;
            }
        }

        return byFile;
    }
}
