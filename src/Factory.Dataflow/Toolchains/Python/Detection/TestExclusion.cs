namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>Tests that cannot run here, and why: "tests/e2e needs a Postgres server: not run".</summary>
/// <param name="Path">The repository-relative test folder or module.</param>
/// <param name="Service">What it needs that is not there, e.g. "a Postgres server".</param>
/// <param name="Evidence">What showed it, e.g. "tests/e2e/conftest.py:12 connects to postgresql://".</param>
public sealed record TestExclusion(string Path, string Service, string Evidence)
{
    /// <summary>The reason as one sentence for people and for the configuration's comments.</summary>
    public string Reason => $"{(Path.EndsWith(".py", StringComparison.Ordinal) ? Path : Path + "/")} needs {Service} ({Evidence}): not run";
}
