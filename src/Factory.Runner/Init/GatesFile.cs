using System.Globalization;
using System.Text;
using System.Text.Json;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Toolchains.Python.Detection;

namespace Factory.Runner.Init;

/// <summary>
/// Renders the commented <c>.factory/gates.json</c> <c>factory init</c> writes: what detection found, what the gates
/// leave out and why, the base commit's results, then every field with its value. <see cref="GateConfig.Parse"/> reads
/// it back (comments are skipped), and <see cref="Render"/> checks that it reads back as the configuration it wrote.
/// </summary>
internal static class GatesFile
{
    private const int MaxListedTests = 10;
    private static readonly JsonSerializerOptions s_values = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="project">What detection found.</param>
    /// <param name="proposal">The configuration proposed for it.</param>
    /// <param name="commit">The base commit the gates ran on.</param>
    /// <param name="baseRun">The base commit's results, or null when the gates could not run there.</param>
    /// <param name="baseRunProblem">Why the gates could not run on the base commit, or null.</param>
    public static string Render(PythonProject project, GateConfigProposal proposal, string commit, GateBaseline? baseRun, string? baseRunProblem)
    {
        var config = proposal.Config;
        var text = new StringBuilder();
        Comment(text, $"Factory's gate configuration, written by 'factory init' from commit {commit[..Math.Min(12, commit.Length)]}.");
        Comment(text, "Commit this file: every request starts from the last commit and uses the configuration committed there.");
        Comment(text, "Each field is described in Factory's README (\"Gate configuration\"); JSON with comments.");
        Section(text, "What init found:", project.Describe());
        Section(text, "What init chose, and why:", proposal.Choices);
        Section(text, "What the gates leave out, and why:", proposal.LeftOut.Count == 0 ? ["nothing"] : proposal.LeftOut);
        Section(text, "The base commit's results (the gates report these; they never blame a change for them):", BaseRunLines(config, baseRun, baseRunProblem));
        text.Append("{\n");
        var fields = new (string Name, object? Value)[]
        {
            ("toolchain", config.Toolchain),
            ("sourcePackage", config.SourcePackage),
            ("testFolders", config.EffectiveTestFolders),
            ("lint", config.Lint),
            ("typeCheck", config.EffectiveTypeCheck),
            ("test", config.Test),
            ("baseline", JsonNamingPolicy.CamelCase.ConvertName(config.Baseline.ToString())),
            ("patchCoverageFloor", config.PatchCoverageFloor),
            ("coverageDropMargin", config.CoverageDropMargin),
            ("coverageFloor", config.CoverageFloor),
            ("newTestsMustFailOnBase", config.NewTestsMustFailOnBase),
            ("protectedPaths", config.ProtectedPaths),
            ("writable", config.Writable),
        };
        for (var i = 0; i < fields.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  \"{fields[i].Name}\": {JsonSerializer.Serialize(fields[i].Value, s_values)}{(i < fields.Length - 1 ? "," : "")}\n");
        }

        text.Append("}\n");
        var written = text.ToString();
        var read = GateConfig.Parse(written);
        if (Canonical(read) != Canonical(config))
        {
            throw new InvalidOperationException($"factory init rendered a configuration that reads back differently:\n{written}");
        }

        return written;
    }

    /// <summary>The base run's results as short lines.</summary>
    public static IReadOnlyList<string> BaseRunLines(GateConfig config, GateBaseline? baseRun, string? problem)
    {
        if (baseRun is null)
        {
            return [$"the gates could not run on the base commit: {problem}"];
        }

        var c = CultureInfo.InvariantCulture;
        var failing = baseRun.Tests.Where(t => t.Value is TestOutcome.Failed or TestOutcome.Error).Select(t => t.Key).Order(StringComparer.Ordinal).ToList();
        var passed = baseRun.Tests.Count(t => t.Value == TestOutcome.Passed);
        var skipped = baseRun.Tests.Count(t => t.Value == TestOutcome.Skipped);
        var lines = new List<string>
        {
            string.Create(c, $"{string.Join(' ', config.Lint)}: {baseRun.LintFindings.Count} findings"),
            string.Create(c, $"{string.Join(' ', config.EffectiveTypeCheck)}: {baseRun.TypeFindings.Count} findings"),
            string.Create(c, $"tests: {baseRun.Tests.Count} ({passed} passed, {failing.Count} failed, {skipped} skipped) in {baseRun.SuiteSeconds:0.#} s"),
        };
        lines.AddRange(failing.Take(MaxListedTests).Select(id => $"failing on the base: {id}"));
        if (failing.Count > MaxListedTests)
        {
            lines.Add(string.Create(c, $"... and {failing.Count - MaxListedTests} more failing on the base"));
        }

        lines.Add(string.Create(c, $"coverage of {config.SourcePackage}: {baseRun.Coverage.TotalPercent:0.##} % of {baseRun.Coverage.Files.Sum(f => f.Value.Statements.Count)} statements"));
        return lines;
    }

    private static string Canonical(GateConfig config) => JsonSerializer.Serialize(
        config with { TestFolder = null, TestFolders = config.EffectiveTestFolders, TypeCheck = config.EffectiveTypeCheck }, s_values);

    private static void Section(StringBuilder text, string title, IEnumerable<string> lines)
    {
        Comment(text, "");
        Comment(text, title);
        foreach (var line in lines)
        {
            Comment(text, "  " + line);
        }
    }

    // A line break inside a comment would end it: what the repository's files say stays on one comment line.
    private static void Comment(StringBuilder text, string line) =>
        text.Append("//").Append(line.Length == 0 ? "" : " " + line.ReplaceLineEndings(" ")).Append('\n');
}
