using System.Text.Json;
using System.Text.Json.Serialization;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Gates;

/// <summary>
/// A target repository's gate configuration, read from <see cref="RelativePath"/> in the repository; every field has a
/// default for a Python project, and a missing file means all defaults.
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
    };

    /// <summary>The package whose coverage is measured. Defaults to <c>app</c>.</summary>
    public string SourcePackage { get; init; } = "app";

    /// <summary>The test folder: TEST adds new files only here, BUILD may not change what is in it. Defaults to <c>tests</c>.</summary>
    public string TestFolder { get; init; } = "tests";

    /// <summary>The lowest total coverage, in percent, TEST accepts. Defaults to 80.</summary>
    public int CoverageFloor { get; init; } = 80;

    /// <summary>VALIDATE's linter command. Defaults to <c>ruff check .</c>.</summary>
    public IReadOnlyList<string> Lint { get; init; } = ["ruff", "check", "."];

    /// <summary>VALIDATE's type checker command; null for <c>mypy &lt;SourcePackage&gt;</c>.</summary>
    public IReadOnlyList<string>? TypeCheck { get; init; }

    /// <summary>TEST's test runner command (TEST adds the paths and coverage options). Defaults to <c>pytest</c>.</summary>
    public IReadOnlyList<string> Test { get; init; } = ["pytest"];

    /// <summary>
    /// Files and folders (relative) that configure the gates, so BUILD and TEST may not write them and the sandbox keeps
    /// them read-only: this file's folder and the tools' settings. Defaults to <c>.factory</c>, <c>pyproject.toml</c>,
    /// <c>setup.cfg</c>, <c>tox.ini</c>, <c>pytest.ini</c>, <c>mypy.ini</c>, <c>.mypy.ini</c>, <c>ruff.toml</c>,
    /// <c>.ruff.toml</c>, <c>.coveragerc</c> and <c>conftest.py</c>.
    /// </summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } =
    [
        ".factory", "pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", "mypy.ini", ".mypy.ini", "ruff.toml",
        ".ruff.toml", ".coveragerc", "conftest.py",
    ];

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

    /// <summary>Reads <see cref="RelativePath"/> under <paramref name="root"/>, or returns <see cref="Default"/> when absent.</summary>
    /// <exception cref="GateEnvironmentException">The file exists but is not valid; the message says what is wrong.</exception>
    public static async ValueTask<GateConfig> LoadAsync(string root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        var path = Path.Combine(root, RelativePath);
        if (!File.Exists(path))
        {
            return Default;
        }

        GateConfig? config;
        try
        {
            await using var stream = File.OpenRead(path);
            config = await JsonSerializer.DeserializeAsync<GateConfig>(stream, s_json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw new GateEnvironmentException($"{RelativePath} is not valid: {exception.Message}", exception);
        }

        return (config ?? throw new GateEnvironmentException($"{RelativePath} is empty (null).")).Validated();
    }

    /// <summary>Checks the values; returns this instance when they are usable.</summary>
    /// <exception cref="GateEnvironmentException">A value is unusable; the message names it.</exception>
    public GateConfig Validated()
    {
        if (CoverageFloor is < 0 or > 100)
        {
            throw Invalid($"coverageFloor must be between 0 and 100, not {CoverageFloor}");
        }

        RequireRelative(nameof(SourcePackage), SourcePackage);
        RequireRelative(nameof(TestFolder), TestFolder);
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

    private static void RequireRelative(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || Path.IsPathRooted(value) ||
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
