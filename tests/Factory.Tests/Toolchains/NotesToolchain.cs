using Factory.Dataflow;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;
using Factory.Dataflow.Toolchains.Python.Detection;
using Factory.Dataflow.Workspace;

namespace Factory.Tests.Toolchains;

/// <summary>
/// TEST-ONLY second language registered at the seam: "notes" whose sources are <c>.txt</c> files, whose tests are named
/// <c>*_check.txt</c>, whose tool reads <c>notes.toml</c>, and whose parser refuses an unclosed '('. Nothing in it is
/// Python, so whatever the core does with it came through the toolchain.
/// </summary>
internal sealed class NotesToolchain : IToolchain, IToolchainFiles, IToolchainProtection, IToolchainPrompts, IToolchainDetection, IToolchainFeedback, ISyntaxChecker
{
    /// <summary>The framework notes detection reports, so a test can find it in SCOUT's and TEST's prompts.</summary>
    public const string DetectedFramework = "Notebook 3";

    /// <summary>A committed gate configuration that picks this toolchain, its tests in <c>checks/</c>.</summary>
    public const string Config = "{\"toolchain\": \"notes\", \"testFolders\": [\"checks\"]}";

    /// <summary>Python (the default) and this toolchain, as a host that registers a second language has them.</summary>
    public static ToolchainRegistry WithPython() => new ToolchainRegistryBuilder().AddPythonToolchain().AddToolchain(new NotesToolchain()).Build();

    public string Name => "notes";

    public IToolchainFiles Files => this;

    public IToolchainProtection Protection => this;

    public IToolchainPrompts Prompts => this;

    public IToolchainDetection Detection => this;

    public IToolchainFeedback Feedback => this;

    public IReadOnlyList<string> ModuleExtensions { get; } = [".txt"];

    public IReadOnlyList<string> ModuleSourceExtensions { get; } = [".txt"];

    public string TestFileNamePattern => "*_check.txt";

    /// <summary>The notes checker's scratch folder, which the model stages must not be shown.</summary>
    public IReadOnlyList<string> IgnoredFolders { get; } = [".drafts"];

    public IReadOnlyList<string> DefaultProtectedPaths { get; } = ["notes.toml"];

    public string Language => "Notes";

    public string TestFramework => "notecheck";

    public string FixtureFiles => "fixtures.txt";

    public string ExampleTestPath => "checks/<feature>_check.txt";

    /// <summary>The paths the parser was asked about, per call.</summary>
    public List<IReadOnlyList<string>> Checked { get; } = [];

    public ISyntaxChecker CreateSyntaxChecker(SandboxedRunner runner, GateOptions options) => this;

    /// <summary>The stages and preparations that ran, in order ("validate", "test", "baseline").</summary>
    public List<string> GatesRun { get; } = [];

    /// <summary>Gates that only record that they ran: enough to show the core reached them through the seam.</summary>
    public IToolchainGates CreateGates(ITestWriter testWriter, SandboxedRunner runner, GateOptions options) => new NotesGates(this);

    private sealed class NotesGates(NotesToolchain owner) : IToolchainGates, IRequestPreparation
    {
        public IFactoryStage Validate { get; } = new Recorded(owner, "validate");

        public IFactoryStage Test { get; } = new Recorded(owner, "test");

        public IRequestPreparation Baseline => this;

        public ValueTask PrepareAsync(FeatureRequest request, IFeatureWorkspace workspace, CancellationToken cancellationToken)
        {
            owner.GatesRun.Add("baseline");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Recorded(NotesToolchain owner, string name) : IFactoryStage
    {
        public ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
        {
            owner.GatesRun.Add(name);
            return ValueTask.FromResult(StageResult.Failure($"notes {name}: the notes checker is not installed here"));
        }
    }

    public bool IsSource(string relative) => relative.EndsWith(".txt", StringComparison.Ordinal);

    public bool IsTestFileName(string relative) => relative.EndsWith("_check.txt", StringComparison.Ordinal);

    public bool IsTestSupport(string relative) => relative.EndsWith("fixtures.txt", StringComparison.Ordinal);

    public string? Reason(string relative) =>
        relative.EndsWith("notes.toml", StringComparison.Ordinal) ? "notes.toml configures the notes checker" : null;

    public string TestReach(string? framework) => "Read the notes aloud.";

    /// <summary>A note's definitions are its "## " headings.</summary>
    public IEnumerable<int> Outline(string path, IReadOnlyList<string> lines) =>
        IsSource(path) ? Enumerable.Range(0, lines.Count).Where(i => lines[i].StartsWith("## ", StringComparison.Ordinal)).Select(i => i + 1) : [];

    public bool? OpensNoiseSection(string line) => null;

    /// <summary>The notes checker's progress lines are noise.</summary>
    public bool IsNoise(string line) => line.StartsWith("notecheck: progress", StringComparison.Ordinal);

    /// <summary>The notes checker says "at line N of PATH".</summary>
    public IEnumerable<int> Locations(string path, string feedback) =>
        feedback.Split('\n').Where(l => l.EndsWith($" of {path}", StringComparison.Ordinal) && l.StartsWith("at line ", StringComparison.Ordinal))
            .Select(l => int.Parse(l["at line ".Length..l.IndexOf(' ', "at line ".Length)], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A notes project declares itself with a <c>notes.toml</c> at its root.</summary>
    public bool Recognises(string root, IEnumerable<string>? files) =>
        files?.Contains("notes.toml") ?? File.Exists(Path.Combine(root, "notes.toml"));

    public ToolchainProject Detect(string root, IEnumerable<string>? files) => new()
    {
        Framework = DetectedFramework,
        TestConventions = ["notes checks are *_check.txt files in checks/"],
        Description = [$"a notes project read by {DetectedFramework}"],
        Fixtures = ["shelf (fixtures.txt:1): the notes shelf"],
        Proposal = new GateConfigProposal(
            new GateConfig { Toolchain = Name, TestFolders = ["checks"] }.Validated(), ["toolchain notes: notes.toml at the root"], []),
    };

    public async ValueTask<string?> CheckAsync(string root, IReadOnlyList<string> relativePaths, CancellationToken cancellationToken)
    {
        Checked.Add(relativePaths);
        foreach (var path in relativePaths)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(root, path), cancellationToken);
            if (text.Count(c => c == '(') > text.Count(c => c == ')'))
            {
                return $"{path}: NotesError: '(' was never closed";
            }
        }

        return null;
    }
}
