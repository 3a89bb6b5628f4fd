using Factory.Tests.Support;

namespace Factory.Tests.Distributed;

/// <summary>
/// A bare git remote in a temporary folder holding the sample app on <c>main</c> (one commit), optionally with a gate
/// configuration that checks syntax instead of running ruff, mypy and pytest, so many requests fit in a test's time.
/// </summary>
internal sealed class SharedRemote : IDisposable
{
    // Real gate processes in the sandbox, each a Python start-up: syntax of every file for lint and type check, and a
    // test step that reports full coverage. What the cluster tests are about is the queue, not the gates.
    private const string FastGates = """
        {
          "sourcePackage": "app",
          "testFolder": "tests",
          "coverageFloor": 0,
          "lint": ["python", "-c", "import ast, pathlib; [ast.parse(p.read_text(), str(p)) for p in pathlib.Path('.').rglob('*.py')]"],
          "typeCheck": ["python", "-c", "import ast, pathlib; [ast.parse(p.read_text(), str(p)) for p in pathlib.Path('app').rglob('*.py')]"],
          "test": ["pytest"]
        }
        """;

    private readonly SampleRepo _sample;

    private SharedRemote(SampleRepo sample, string path, string baseCommit)
    {
        _sample = sample;
        Path = path;
        Base = baseCommit;
    }

    /// <summary>The bare repository.</summary>
    public string Path { get; }

    /// <summary>The commit on main.</summary>
    public string Base { get; }

    /// <summary>The sample's scratch folder, for per-test state folders.</summary>
    public string Scratch => System.IO.Path.GetDirectoryName(_sample.CheckoutPath)!;

    public static SharedRemote Create(bool fastGates)
    {
        var sample = SampleRepo.Create();
        if (fastGates)
        {
            File.WriteAllText(System.IO.Path.Combine(sample.CheckoutPath, ".factory", "gates.json"), FastGates);
            sample.Git("commit", "--quiet", "-am", "fast gates for the queue tests");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(sample.CheckoutPath)!, "remote.git");
        SampleRepo.RunGit(System.IO.Path.GetDirectoryName(path)!, "init", "--quiet", "--bare", "--initial-branch=main", path);
        sample.Git("push", "--quiet", path, "main");
        return new SharedRemote(sample, path, sample.Git("rev-parse", "HEAD").Trim());
    }

    /// <summary>Every ref of the remote, name to commit.</summary>
    public IReadOnlyDictionary<string, string> Refs() =>
        SampleRepo.RunGit(Path, "for-each-ref", "--format=%(refname) %(objectname)")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    public string Git(params string[] arguments) => SampleRepo.RunGit(Path, arguments);

    /// <summary>Pushes one more (empty) commit to main and returns its id: another base a request can name.</summary>
    public string AddCommit(string message)
    {
        _sample.Git("commit", "--quiet", "--allow-empty", "-m", message);
        _sample.Git("push", "--quiet", Path, "main");
        return _sample.Git("rev-parse", "HEAD").Trim();
    }

    public void Dispose() => _sample.Dispose();
}
