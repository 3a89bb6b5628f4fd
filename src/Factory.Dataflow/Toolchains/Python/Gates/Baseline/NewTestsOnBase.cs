using System.Security.Cryptography;
using System.Text.Json;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Dataflow.Toolchains.Python.Gates.Baseline;

/// <summary>
/// Runs the test files a change adds (with any other new file in the test folders, such as helpers) alone on a copy of
/// the base commit, and returns the tests that pass there: such a test does not test the change.
/// </summary>
/// <remarks>
/// The answer depends only on the base tree, the gate configuration and tools (the baseline's key) and the added
/// files' paths and bytes, so it is kept under that key in <see cref="GateOptions.BaselineDirectory"/>: an attempt,
/// request or process that brings the same new tests to the same base commit reads it instead of exporting the base
/// tree and starting pytest again. Only a finished run is kept; a run killed at its limit is not.
/// </remarks>
internal sealed class NewTestsOnBase(SandboxedRunner runner, GateOptions options)
{
    private const string FormatVersion = "factory-new-tests-on-base-v1";
    private readonly string _folder = Path.Combine(options.BaselineDirectory!, "new-tests-on-base");

    /// <summary>How the last call got its answer: <c>ran</c>, <c>cached</c>, or <c>none</c> (no test file added).</summary>
    public record struct Answer(IReadOnlyList<string> Passing, string How);

    /// <param name="root">The worktree, holding the change and its new tests.</param>
    /// <param name="baseline">The base commit's baseline (its tree and key).</param>
    /// <param name="config">The gate configuration.</param>
    /// <param name="changed">The files the change adds or modifies (repository-relative), new tests included.</param>
    /// <param name="limit">The time limit of one pytest run.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<Answer> PassingAsync(
        string root, GateBaseline baseline, GateConfig config, IEnumerable<string> changed, TimeSpan limit, CancellationToken cancellationToken)
    {
        var inTestFolders = changed.Where(config.IsInTestFolder).Order(StringComparer.Ordinal).ToList();
        if (!inTestFolders.Any(PythonFiles.Instance.IsTestFileName))
        {
            return new([], "none");
        }

        // Which of them the base tree lacks is part of the key (a path plus its bytes, whether it exists on the base or not).
        var key = Key(root, baseline, inTestFolders);
        var cached = Path.Combine(_folder, key + ".json");
        if (TryRead(cached) is { } known)
        {
            return new(known, "cached");
        }

        // The baseline's tree, not HEAD again: the same files, and one git process fewer.
        using var baseTree = await BaseTree.ExportAsync(root, baseline.Tree, cancellationToken).ConfigureAwait(false);
        var added = inTestFolders.Where(p => !File.Exists(Path.Combine(baseTree.Root, p)) && File.Exists(Path.Combine(root, p))).ToList();
        var addedTests = added.Where(PythonFiles.Instance.IsTestFileName).ToList();
        if (addedTests.Count == 0)
        {
            Write(cached, []);
            return new([], "ran");
        }

        baseTree.Add(added.Select(p => (p, File.ReadAllBytes(Path.Combine(root, p)))));
        var run = await PytestRun.RunAsync(runner, options, config, baseTree.Root, addedTests, coverage: false, limit, cancellationToken)
            .ConfigureAwait(false);

        // Killed at the limit or no report: nothing passed there, and nothing is kept (a busier machine may finish it).
        if (run.Tests is null)
        {
            return new([], "ran");
        }

        List<string> passing = [.. run.Tests.Where(t => t.Value == TestOutcome.Passed).Select(t => t.Key).Order(StringComparer.Ordinal)];
        Write(cached, passing);
        return new(passing, "ran");
    }

    private static string Key(string root, GateBaseline baseline, List<string> paths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{FormatVersion}\n{baseline.Key}\n{baseline.Tree}\n"));
        foreach (var path in paths)
        {
            var full = Path.Combine(root, path);
            var content = File.Exists(full) ? File.ReadAllBytes(full) : [];
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{path}\n{content.Length}\n"));
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    private static List<string>? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<List<string>>(File.ReadAllBytes(path)) : null;
        }
        catch (Exception exception) when (exception is JsonException or IOException)
        {
            // Unreadable: running again is always right.
            return null;
        }
    }

    private void Write(string path, List<string> passing)
    {
        // Whole or not at all: written aside, then renamed.
        Directory.CreateDirectory(_folder);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(passing));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
