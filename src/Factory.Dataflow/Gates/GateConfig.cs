using System.Text.Json;
using System.Text.Json.Serialization;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Dataflow.Gates;

/// <summary>
/// A target repository's gate configuration, read from <see cref="RelativePath"/> in the repository; every field has a
/// default for a Python project. The gates ask <see cref="GateConfigResolver"/>, which detects the configuration when
/// the base commit has no file (what <c>factory init</c> writes).
/// </summary>
public sealed record GateConfig
{
    /// <summary>Where the configuration lives, relative to the repository root.</summary>
    public const string RelativePath = ".factory/gates.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter<BaselineMode>(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>
    /// The toolchain (language) the gates, the jail and the prompts use, by its registered name
    /// (<see cref="ToolchainRegistry"/>); a name nobody registered is a configuration error. Defaults to <c>python</c>.
    /// </summary>
    public string Toolchain { get; init; } = "python";

    /// <summary>The package (or source folder, e.g. <c>src/pkg</c>) whose coverage is measured. Defaults to <c>app</c>.</summary>
    public string SourcePackage { get; init; } = "app";

    /// <summary>
    /// One test folder, the older spelling of <see cref="TestFolders"/>; null when <see cref="TestFolders"/> is used.
    /// Defaults to null.
    /// </summary>
    public string? TestFolder { get; init; }

    /// <summary>
    /// Where the tests live, relative to the repository root, anywhere (inside the package too, e.g. <c>app/tests</c>).
    /// The one source of truth for the test writer (new test files go there), the jail (BUILD may not change what is
    /// there), pytest (the folders it runs) and coverage (test files count toward no coverage). Null for
    /// <see cref="TestFolder"/>, or <c>tests</c> when neither is set.
    /// </summary>
    public IReadOnlyList<string>? TestFolders { get; init; }

    /// <summary>
    /// How VALIDATE and TEST judge the change: <see cref="BaselineMode.Compare"/> blocks only what the change adds
    /// (findings and failing tests the base commit already had are reported, not blamed); <see cref="BaselineMode.Strict"/>
    /// blocks every finding and every failing test, as before baselines. Defaults to <c>compare</c>.
    /// </summary>
    public BaselineMode Baseline { get; init; } = BaselineMode.Compare;

    /// <summary>
    /// The lowest total coverage, in percent, TEST accepts whatever the base had; null for none. Defaults to null:
    /// patch coverage and <see cref="CoverageDropMargin"/> judge the change instead.
    /// </summary>
    public int? CoverageFloor { get; init; }

    /// <summary>
    /// The lowest coverage, in percent, of the lines the change adds or modifies in the measured source (patch
    /// coverage). Defaults to 80.
    /// </summary>
    public int PatchCoverageFloor { get; init; } = 80;

    /// <summary>How many percentage points total coverage may fall below the base commit's. Defaults to 1.</summary>
    public double CoverageDropMargin { get; init; } = 1.0;

    /// <summary>
    /// When true, every new test must fail (or not exist) on the base commit: a test that passes without the change
    /// does not test it. Set false for refactorings, whose tests pass before and after. Defaults to true.
    /// </summary>
    public bool NewTestsMustFailOnBase { get; init; } = true;

    /// <summary>VALIDATE's linter command. Defaults to <c>ruff check .</c>.</summary>
    public IReadOnlyList<string> Lint { get; init; } = ["ruff", "check", "."];

    /// <summary>VALIDATE's type checker command; null for <c>mypy &lt;SourcePackage&gt;</c>.</summary>
    public IReadOnlyList<string>? TypeCheck { get; init; }

    /// <summary>TEST's test runner command (TEST adds the paths, report and coverage options). Defaults to <c>pytest</c>.</summary>
    public IReadOnlyList<string> Test { get; init; } = ["pytest"];

    /// <summary>
    /// Files and folders (relative) that configure the gates, so BUILD and TEST may not write them and the sandbox keeps
    /// them read-only: this file's folder and the tools' settings. Defaults to <c>.factory</c> and the default
    /// toolchain's (Python's <see cref="IToolchainProtection.DefaultProtectedPaths"/>): <c>pyproject.toml</c>,
    /// <c>setup.cfg</c>, <c>tox.ini</c>, <c>pytest.ini</c>, <c>mypy.ini</c>, <c>.mypy.ini</c>, <c>ruff.toml</c>,
    /// <c>.ruff.toml</c>, <c>.coveragerc</c> and <c>conftest.py</c>.
    /// </summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [".factory", .. PythonProtection.Instance.DefaultProtectedPaths];

    /// <summary>
    /// Files (relative; a bare name matches at any depth) BUILD and TEST may write although they configure tools, such
    /// as <c>pyproject.toml</c> for a change that adds a dependency. Factory's own settings are never writable. Defaults to none.
    /// </summary>
    public IReadOnlyList<string> Writable { get; init; } = [];

    /// <summary>The defaults, used when the repository has no configuration file.</summary>
    public static GateConfig Default { get; } = new();

    /// <summary>The type checker command with its default applied.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveTypeCheck => TypeCheck ?? ["mypy", SourcePackage];

    /// <summary>The test folders with their default applied, normalised (no leading or trailing '/').</summary>
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveTestFolders =>
        (TestFolders ?? (TestFolder is null ? ["tests"] : [TestFolder])).Select(Normalize).ToArray();

    /// <summary>True when <paramref name="relative"/> (a repository-relative path with '/') is in one of the test folders.</summary>
    public bool IsInTestFolder(string relative) =>
        EffectiveTestFolders.Any(folder => relative == folder || relative.StartsWith(folder + "/", StringComparison.Ordinal));

    /// <summary>
    /// True for a file that is part of the tests, not of the measured code: in a test folder, serving the tests
    /// (<see cref="IToolchainFiles.IsTestSupport"/>) or named like a test (<see cref="IToolchainFiles.IsTestFileName"/>).
    /// </summary>
    public bool IsTestFile(string relative, IToolchainFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return IsInTestFolder(relative) || files.IsTestSupport(relative) || files.IsTestFileName(relative);
    }

    /// <summary>
    /// Reads <see cref="RelativePath"/> under <paramref name="root"/>, or returns <see cref="Default"/> when absent. The
    /// gates use <see cref="GateConfigResolver"/> instead, which detects the configuration when there is no file.
    /// </summary>
    /// <exception cref="GateEnvironmentException">The file exists but is not valid; the message says what is wrong.</exception>
    public static async ValueTask<GateConfig> LoadAsync(string root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        var path = Path.Combine(root, RelativePath);
        if (!File.Exists(path))
        {
            return Default;
        }

        return Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads a configuration from its JSON text (comments and trailing commas allowed).</summary>
    /// <exception cref="GateEnvironmentException">The text is not a valid configuration; the message says what is wrong.</exception>
    public static GateConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        GateConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<GateConfig>(json, s_json);
        }
        catch (JsonException exception)
        {
            throw new GateEnvironmentException($"{RelativePath} is not valid: {exception.Message}", exception);
        }

        return (config ?? throw new GateEnvironmentException($"{RelativePath} is empty (null).")).Validated();
    }

    /// <summary>The configuration as canonical JSON: part of the baseline's key, so a changed setting computes a new baseline.</summary>
    internal string ToCanonicalJson() => JsonSerializer.Serialize(this with { TestFolder = null, TestFolders = EffectiveTestFolders }, s_json);

    /// <summary>Checks the values; returns this instance when they are usable.</summary>
    /// <exception cref="GateEnvironmentException">A value is unusable; the message names it.</exception>
    public GateConfig Validated()
    {
        if (CoverageFloor is < 0 or > 100)
        {
            throw Invalid($"coverageFloor must be between 0 and 100, not {CoverageFloor}");
        }

        if (PatchCoverageFloor is < 0 or > 100)
        {
            throw Invalid($"patchCoverageFloor must be between 0 and 100, not {PatchCoverageFloor}");
        }

        if (CoverageDropMargin is < 0 or > 100 || double.IsNaN(CoverageDropMargin))
        {
            throw Invalid($"coverageDropMargin must be between 0 and 100 percentage points, not {CoverageDropMargin}");
        }

        if (!Enum.IsDefined(Baseline))
        {
            throw Invalid($"baseline must be \"compare\" or \"strict\", not {Baseline}");
        }

        if (TestFolder is not null && TestFolders is not null)
        {
            throw Invalid("set testFolders (a list) or testFolder (one folder), not both");
        }

        if (TestFolders is { Count: 0 })
        {
            throw Invalid("testFolders must name at least one folder");
        }

        if (string.IsNullOrWhiteSpace(Toolchain))
        {
            throw Invalid("toolchain must name a registered toolchain, e.g. \"python\"");
        }

        RequireRelative(nameof(SourcePackage), SourcePackage);
        foreach (var folder in TestFolders ?? (TestFolder is null ? [] : [TestFolder]))
        {
            RequireRelative(TestFolders is null ? nameof(TestFolder) : nameof(TestFolders), folder);
        }

        foreach (var path in ProtectedPaths)
        {
            RequireRelative(nameof(ProtectedPaths), path);
        }

        foreach (var path in Writable)
        {
            RequireRelative(nameof(Writable), path);
        }

        RequireCommand(nameof(Lint), Lint);
        RequireCommand(nameof(TypeCheck), EffectiveTypeCheck);
        RequireCommand(nameof(Test), Test);
        return this;
    }

    private static string Normalize(string folder) => folder.Replace('\\', '/').Trim('/');

    private static void RequireRelative(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || Path.IsPathRooted(value) || Normalize(value).Length == 0 ||
            value.Split('/').Any(segment => segment is ".." or ".git"))
        {
            throw Invalid($"{JsonNamingPolicy.CamelCase.ConvertName(name)} must be a relative path inside the repository, not '{value}'");
        }
    }

    private static void RequireCommand(string name, IReadOnlyList<string>? command)
    {
        if (command is null || command.Count == 0 || command.Any(string.IsNullOrEmpty))
        {
            throw Invalid($"{JsonNamingPolicy.CamelCase.ConvertName(name)} must be a non-empty array of non-empty strings");
        }
    }

    private static GateEnvironmentException Invalid(string problem) => new($"{RelativePath} is not valid: {problem}.");
}
