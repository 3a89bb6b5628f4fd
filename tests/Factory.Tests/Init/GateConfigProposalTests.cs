using Factory.Dataflow.Toolchains.Python.Detection;
using Factory.Tests.Toolchains.Python;

namespace Factory.Tests.Init;

public class GateConfigProposalTests
{
    [Fact]
    public void A_src_layout_under_a_tests_pytest_ini_gets_src_on_pythonpath_relative_to_that_ini_and_loses_only_its_coverage_addopts()
    {
        using var tree = new ProjectTree()
            .With("src/shop/__init__.py").With("src/shop/core.py", "X = 1\n")
            .With("tests/pytest.ini", "[pytest]\naddopts = --cov=. --cov-report html:htmlcov -p no:randomly\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n")
            .With("tests/test_core.py", "def test_x() -> None:\n    assert True\n");

        var proposal = GateConfigProposal.For(PythonProjectDetector.Detect(tree.Root));

        Assert.Equal("src/shop", proposal.Config.SourcePackage);
        Assert.Equal(["mypy", "src/shop"], proposal.Config.EffectiveTypeCheck);
        Assert.Equal(
            ["pytest", "-o", "pythonpath=../src", "-o", "addopts=-p no:randomly", "-W", "ignore::coverage.exceptions.CoverageWarning"],
            proposal.Config.Test);
        Assert.Contains(proposal.Choices, c => c.StartsWith("test drops the coverage options of tests/pytest.ini's addopts (--cov=. --cov-report html:htmlcov)", StringComparison.Ordinal));
        Assert.Empty(proposal.LeftOut);
    }

    [Fact]
    public void A_src_layout_without_any_pytest_configuration_points_pytest_at_its_pyproject_so_pythonpath_applies()
    {
        using var tree = new ProjectTree()
            .With("pyproject.toml", "[project]\nname = \"shop\"\n\n[tool.mypy]\nfiles = [\"src\"]\n")
            .With("src/shop/__init__.py").With("src/shop/core.py", "X = 1\n")
            .With("tests/test_core.py", "def test_x() -> None:\n    assert True\n");

        var proposal = GateConfigProposal.For(PythonProjectDetector.Detect(tree.Root));

        Assert.Equal(["pytest", "-c", "pyproject.toml", "--rootdir=.", "-o", "pythonpath=src"], proposal.Config.Test);
        Assert.Equal(["mypy"], proposal.Config.EffectiveTypeCheck);
    }

    [Fact]
    public void Tests_that_need_a_database_server_are_ignored_and_the_reason_says_how_to_include_them()
    {
        using var tree = new ProjectTree()
            .With("shop/__init__.py").With("shop/core.py", "X = 1\n")
            .With("tests/test_core.py", "def test_x() -> None:\n    assert True\n")
            .With("tests/e2e/conftest.py", "import pytest\n\nURL = \"postgresql://shop@localhost/shop\"\n\n\n@pytest.fixture\ndef url() -> str:\n    return URL\n")
            .With("tests/e2e/test_orders.py", "def test_orders(url: str) -> None:\n    assert url\n");

        var proposal = GateConfigProposal.For(PythonProjectDetector.Detect(tree.Root));

        Assert.Equal("shop", proposal.Config.SourcePackage);
        Assert.Equal(["tests"], proposal.Config.EffectiveTestFolders);
        Assert.Equal(["pytest", "--ignore=tests/e2e"], proposal.Config.Test);
        Assert.Equal(
            ["tests/e2e/ needs a Postgres server (tests/e2e/conftest.py:3 connects to postgresql://): not run; remove \"--ignore=tests/e2e\" from \"test\" to include it"],
            proposal.LeftOut);
        Assert.Contains("left out: tests/e2e/ needs a Postgres server", proposal.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_packages_at_the_root_are_all_type_checked_and_coverage_measures_the_first()
    {
        using var tree = new ProjectTree()
            .With("billing/__init__.py").With("shop/__init__.py").With("tool.py", "X = 1\n")
            .With("tests/test_core.py", "def test_x() -> None:\n    assert True\n");

        var proposal = GateConfigProposal.For(PythonProjectDetector.Detect(tree.Root));

        Assert.Equal("billing", proposal.Config.SourcePackage);
        Assert.Equal(["mypy", "billing", "shop"], proposal.Config.EffectiveTypeCheck);
        Assert.Equal(["pytest"], proposal.Config.Test);
    }

    [Fact]
    public void A_memcached_client_among_the_requirements_is_named_as_a_service()
    {
        using var tree = new ProjectTree()
            .With("shop/__init__.py").With("requirements.txt", "flask\npython-memcached\n")
            .With("tests/test_core.py", "def test_x() -> None:\n    assert True\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Contains(new ServiceDependency("a Memcached server", "requirements.txt lists python-memcached"), project.Services);
    }
}
