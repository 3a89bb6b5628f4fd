namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>
/// How pytest sees the project when run, as the TEST gate runs it, from the repository root with the test folder as its
/// argument. Paths are repository-relative ("." is the root).
/// </summary>
/// <param name="ConfigFile">The configuration file pytest picks (e.g. <c>tests/pytest.ini</c>), or null for none.</param>
/// <param name="RootDir">pytest's rootdir: the configuration file's folder, or what pytest falls back to.</param>
/// <param name="TestPaths">The <c>testpaths</c> setting, resolved against the rootdir; empty when unset.</param>
/// <param name="PythonPath">The <c>pythonpath</c> setting, resolved against the rootdir; empty when unset.</param>
/// <param name="AddOpts">The <c>addopts</c> setting, or null.</param>
/// <param name="OtherConfigFiles">Configuration files pytest does not pick in this run, e.g. a root pytest.ini shadowed by one in tests/.</param>
/// <param name="FilterWarnings">The <c>filterwarnings</c> entries (e.g. <c>error</c>); empty when unset.</param>
public sealed record PytestSettings(
    string? ConfigFile,
    string RootDir,
    IReadOnlyList<string> TestPaths,
    IReadOnlyList<string> PythonPath,
    string? AddOpts,
    IReadOnlyList<string> OtherConfigFiles,
    IReadOnlyList<string>? FilterWarnings = null)
{
    /// <summary>True when the project turns warnings into errors (a <c>filterwarnings</c> entry <c>error</c>).</summary>
    public bool WarningsAreErrors => (FilterWarnings ?? []).Any(w => w.Trim() == "error");
}
