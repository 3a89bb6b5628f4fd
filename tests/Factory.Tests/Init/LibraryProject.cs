using Factory.Tests.Support;

namespace Factory.Tests.Init;

/// <summary>
/// A small Python library, <c>shop</c> (no web framework), written in one of several layouts into a fresh repository
/// with no <c>.factory/gates.json</c>: what a user brings to <c>factory init</c>. It knows where BUILD's change and
/// TEST's new test go in its layout, for <see cref="LibraryReplies"/>.
/// </summary>
internal sealed record LibraryProject(string Name, string Module, string TestFolder, IReadOnlyDictionary<string, string> Files)
{
    public const string Core = "def total(prices: list[int]) -> int:\n    \"\"\"The sum of the prices.\"\"\"\n    return sum(prices)\n";

    public const string CoreWithDiscount = Core +
        "\n\ndef discount(price: int, percent: int) -> int:\n    \"\"\"The price less percent per cent, rounded down.\"\"\"\n    return price * (100 - percent) // 100\n";

    private const string TotalTest = "from shop.core import total\n\n\ndef test_total() -> None:\n    assert total([1, 2]) == 3\n";

    /// <summary>shop/ at the root, tests/ without __init__.py and no configuration at all: pytest would not see the root.</summary>
    public static LibraryProject PackageAtRoot { get; } = new("package at the root", "shop/core.py", "tests", new Dictionary<string, string>
    {
        ["shop/__init__.py"] = "",
        ["shop/core.py"] = Core,
        ["tests/test_core.py"] = TotalTest,
    });

    /// <summary>src/shop, and pytest configured by tests/pytest.ini whose addopts write an HTML coverage report.</summary>
    public static LibraryProject SrcWithTestsPytestIni { get; } = new("src layout with tests/pytest.ini", "src/shop/core.py", "tests", new Dictionary<string, string>
    {
        ["pyproject.toml"] = "[project]\nname = \"shop\"\nversion = \"1.0\"\n",
        ["src/shop/__init__.py"] = "",
        ["src/shop/core.py"] = Core,
        ["tests/pytest.ini"] = "[pytest]\naddopts = --cov=. --cov-report html:htmlcov -q\n",
        ["tests/test_core.py"] = TotalTest,
    });

    /// <summary>The tests inside the package: shop/tests.</summary>
    public static LibraryProject TestsInsidePackage { get; } = new("tests inside the package", "shop/core.py", "shop/tests", new Dictionary<string, string>
    {
        ["shop/__init__.py"] = "",
        ["shop/core.py"] = Core,
        ["shop/tests/__init__.py"] = "",
        ["shop/tests/test_core.py"] = TotalTest,
    });

    public static TheoryData<string> Layouts => [PackageAtRoot.Name, SrcWithTestsPytestIni.Name, TestsInsidePackage.Name];

    public static LibraryProject Named(string name) =>
        new[] { PackageAtRoot, SrcWithTestsPytestIni, TestsInsidePackage }.Single(p => p.Name == name);

    /// <summary>The new test TEST writes.</summary>
    public string NewTest => TestFolder + "/test_discount.py";

    /// <summary>A repository holding only this project, in one commit on main (the sample's files are replaced).</summary>
    public SampleRepo CreateRepository()
    {
        var repo = SampleRepo.Create();
        repo.Git("rm", "-rq", ".");
        foreach (var (path, text) in Files)
        {
            var full = Path.Combine(repo.CheckoutPath, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        repo.Git("add", "--all");
        repo.Git("commit", "--quiet", "-m", $"shop: {Name}");
        return repo;
    }

    public override string ToString() => Name;
}
