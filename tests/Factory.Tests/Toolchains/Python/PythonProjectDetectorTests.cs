using Factory.Dataflow.Toolchains.Python.Detection;

namespace Factory.Tests.Toolchains.Python;

public class PythonProjectDetectorTests
{
    [Fact]
    public void A_package_at_the_root_with_tests_beside_it_and_pyproject_settings_is_described()
    {
        using var tree = new ProjectTree()
            .With("app/__init__.py").With("app/main.py", ProjectTree.FastApiMain)
            .With("tests/__init__.py").With("tests/test_main.py", "from app.main import app\n\n\ndef test_app() -> None:\n    assert app.title\n")
            .With("pyproject.toml", """
                [project]
                name = "shop"
                dependencies = ["fastapi>=0.100", "httpx"]

                [tool.mypy]
                strict = true
                files = ["app"]

                [tool.ruff]
                line-length = 100

                [tool.ruff.lint]
                select = ["E", "F", "I"]

                [tool.pytest.ini_options]
                testpaths = ["tests"]
                addopts = "-q"

                [tool.coverage.run]
                source = ["app"]
                """);

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal(SourceLayout.Flat, project.Layout);
        Assert.Equal([new PythonPackage("app", "app", false)], project.Packages);
        Assert.Equal(["."], project.ImportRoots);
        Assert.Equal(["tests"], project.TestFolders);
        Assert.Equal(("pyproject.toml", ".", "-q"), (project.Pytest.ConfigFile, project.Pytest.RootDir, project.Pytest.AddOpts));
        Assert.Equal(["tests"], project.Pytest.TestPaths);
        Assert.Empty(project.Pytest.PythonPath);
        Assert.Equal(["app"], project.Mypy!.Get("files"));
        Assert.Equal(["true"], project.Mypy.Get("strict"));
        Assert.Equal(["E", "F", "I"], project.Ruff!.Get("select"));
        Assert.Equal(["100"], project.Ruff.Get("line-length"));
        Assert.Equal(["app"], project.Coverage!.Get("source"));
        Assert.Equal(PythonFramework.FastApi, project.Framework.Kind);
        Assert.Equal("app = FastAPI() in app/main.py", project.Framework.Application);
        Assert.Empty(project.Exclusions);
        Assert.Empty(project.Notes);
    }

    [Fact]
    public void A_src_layout_with_a_tests_pytest_ini_gets_pytests_own_rootdir_and_pythonpath()
    {
        using var tree = new ProjectTree()
            .With("src/shop/__init__.py", ProjectTree.FlaskFactory)
            .With("tests/conftest.py", ProjectTree.FlaskConftest)
            .With("tests/test_index.py", ProjectTree.FlaskTest)
            .With("tests/pytest.ini", "[pytest]\npythonpath = ../src\ntestpaths =\n    .\n")
            .With("setup.cfg", "[metadata]\nname = shop\n\n[mypy]\nfiles = src/shop, tests\nignore_missing_imports = True\n\n[options]\ninstall_requires =\n    flask\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal(SourceLayout.Src, project.Layout);
        Assert.Equal([new PythonPackage("shop", "src/shop", false)], project.Packages);
        Assert.Equal(["src"], project.ImportRoots);
        Assert.Equal("tests/pytest.ini", project.Pytest.ConfigFile);
        Assert.Equal("tests", project.Pytest.RootDir);
        Assert.Equal(["src"], project.Pytest.PythonPath);
        Assert.Equal(["tests"], project.Pytest.TestPaths);
        Assert.Equal(["src/shop", "tests"], project.Mypy!.Get("files"));
        Assert.Equal("setup.cfg", project.Mypy.ConfigFile);
        Assert.Contains(project.Notes, n => n.StartsWith("pytest takes its configuration from tests/pytest.ini only when run with tests as its argument; its rootdir is then tests", StringComparison.Ordinal));
        Assert.DoesNotContain(project.Notes, n => n.StartsWith("src/ layout", StringComparison.Ordinal));
    }

    [Fact]
    public void A_src_layout_that_pytest_cannot_import_says_the_gates_need_src_on_the_path()
    {
        using var tree = new ProjectTree()
            .With("src/shop/__init__.py", "def add(a: int, b: int) -> int:\n    return a + b\n")
            .With("tests/test_add.py", "from shop import add\n\n\ndef test_add() -> None:\n    assert add(1, 2) == 3\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal(PythonFramework.None, project.Framework.Kind);
        Assert.Equal("tests", project.Pytest.RootDir);
        Assert.Null(project.Pytest.ConfigFile);
        Assert.Contains(project.Notes, n => n.Contains("the gates need PYTHONPATH=src", StringComparison.Ordinal));
    }

    [Fact]
    public void Tests_inside_the_package_are_its_test_folder_and_the_package_is_still_the_source()
    {
        using var tree = new ProjectTree()
            .With("app/__init__.py").With("app/main.py", ProjectTree.FastApiMain)
            .With("app/tests/__init__.py")
            .With("app/tests/conftest.py", "import pytest\nfrom fastapi.testclient import TestClient\n\nfrom app.main import app\n\n\n@pytest.fixture(scope=\"module\")\ndef client() -> TestClient:\n    return TestClient(app)\n")
            .With("app/tests/api/test_root.py", "from fastapi.testclient import TestClient\n\n\ndef test_root(client: TestClient) -> None:\n    assert client.get(\"/\").json() == {\"service\": \"shop\"}\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal([new PythonPackage("app", "app", false)], project.Packages);
        Assert.Equal(["app/tests"], project.TestFolders);
        Assert.Equal(["app/tests/api/test_root.py"], project.TestModules);
        var client = Assert.Single(project.Fixtures);
        Assert.Equal(("client", "module", "def client() -> TestClient:"), (client.Name, client.Scope, client.Signature));
        Assert.Contains("tests call the application through fastapi.testclient.TestClient (the client fixture in app/tests/conftest.py)", project.TestConventions);
    }

    [Fact]
    public void A_flask_project_names_flask_its_app_factory_its_test_client_and_its_conftest_fixtures()
    {
        using var tree = new ProjectTree()
            .With("shop/__init__.py", ProjectTree.FlaskFactory)
            .With("tests/conftest.py", ProjectTree.FlaskConftest)
            .With("tests/test_index.py", ProjectTree.FlaskTest)
            .With("requirements.txt", "Flask==3.0.0\nredis==5.0.1\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal(PythonFramework.Flask, project.Framework.Kind);
        Assert.Equal("shop/__init__.py:1 imports flask", project.Framework.Evidence);
        Assert.Equal("create_app() in shop/__init__.py", project.Framework.Application);
        Assert.Equal(["app", "client"], project.Fixtures.Select(f => f.Name));
        Assert.Equal("def client(app: Flask) -> FlaskClient:", project.Fixtures[1].Signature);
        Assert.Equal("The application, configured for tests.", project.Fixtures[0].Summary);
        Assert.Equal("tests/test_index.py", project.ExampleTest);
        Assert.Contains("tests call the application through Flask's test client, app.test_client() (the client fixture in tests/conftest.py)", project.TestConventions);
        Assert.Contains("fixtures in tests/conftest.py: app, client", project.TestConventions);
        Assert.Equal([new ServiceDependency("a Redis server", "requirements.txt lists redis")], project.Services);
        Assert.Empty(project.Exclusions);
    }

    [Fact]
    public void End_to_end_tests_that_need_a_postgres_server_are_left_out_with_the_reason()
    {
        using var tree = new ProjectTree()
            .With("app/__init__.py").With("app/main.py", ProjectTree.FastApiMain)
            .With("tests/test_main.py", "def test_one() -> None:\n    assert True\n")
            .With("tests/e2e/conftest.py", "import pytest\nimport sqlalchemy\n\nURL = \"postgresql+psycopg://shop@localhost/shop\"\n\n\n@pytest.fixture\ndef engine() -> sqlalchemy.Engine:\n    return sqlalchemy.create_engine(URL)\n")
            .With("tests/e2e/test_orders.py", "def test_orders(engine: object) -> None:\n    assert engine\n")
            .With("tests/test_cache.py", "import redis\n\n\ndef test_cache() -> None:\n    assert redis.Redis().ping()\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal(
            [
                new TestExclusion("tests/e2e", "a Postgres server", "tests/e2e/conftest.py:4 connects to postgresql://"),
                new TestExclusion("tests/test_cache.py", "a Redis server", "tests/test_cache.py:1 connects to Redis"),
            ],
            project.Exclusions);
        Assert.Equal("tests/e2e/ needs a Postgres server (tests/e2e/conftest.py:4 connects to postgresql://): not run", project.Exclusions[0].Reason);
        Assert.Equal("tests/test_main.py", project.ExampleTest);
    }

    [Fact]
    public void A_suite_whose_autouse_fixture_opens_a_postgres_database_is_left_out_but_one_on_sqlite_is_not()
    {
        const string conftest = "import pytest\n\nfrom app.db import engine\n\n\n@pytest.fixture(scope=\"session\", autouse=True)\ndef db() -> object:\n    return engine\n";
        using var postgres = new ProjectTree()
            .With("app/__init__.py").With("app/db.py", "engine = object()\n")
            .With("tests/conftest.py", conftest).With("tests/test_a.py", "def test_a() -> None:\n    assert True\n")
            .With("pyproject.toml", "[project]\nname = \"a\"\ndependencies = [\"psycopg[binary]>=3\", \"sqlmodel\"]\n");
        using var sqlite = new ProjectTree()
            .With("app/__init__.py").With("app/db.py", "engine = object()\n")
            .With("tests/conftest.py", conftest + "\nURL = \"sqlite://\"\n").With("tests/test_a.py", "def test_a() -> None:\n    assert True\n")
            .With("pyproject.toml", "[project]\nname = \"a\"\ndependencies = [\"psycopg[binary]>=3\"]\n");

        var excluded = Assert.Single(PythonProjectDetector.Detect(postgres.Root).Exclusions);
        Assert.Equal("tests", excluded.Path);
        Assert.Equal("tests/conftest.py:7 autouse fixture db opens the database, and pyproject.toml lists psycopg", excluded.Evidence);
        Assert.Empty(PythonProjectDetector.Detect(sqlite.Root).Exclusions);
    }

    [Fact]
    public void A_django_project_is_found_by_its_manage_py_and_a_library_has_no_framework()
    {
        using var django = new ProjectTree()
            .With("manage.py", "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"site.settings\")\n")
            .With("site/__init__.py").With("site/settings.py", "INSTALLED_APPS = []\n");
        using var library = new ProjectTree().With("mathlib/__init__.py", "def add(a: int, b: int) -> int:\n    return a + b\n");

        var site = PythonProjectDetector.Detect(django.Root).Framework;
        var lib = PythonProjectDetector.Detect(library.Root).Framework;

        Assert.Equal((PythonFramework.Django, "settings module site.settings (manage.py)"), (site.Kind, site.Application));
        Assert.Equal((PythonFramework.None, "no source file imports a web framework"), (lib.Kind, lib.Evidence));
        Assert.Null(lib.DisplayName);
    }

    [Fact]
    public void Ini_and_toml_tool_files_are_read_where_the_tools_read_them()
    {
        using var tree = new ProjectTree()
            .With("lib/__init__.py")
            .With("mypy.ini", "[mypy]\nfiles = lib\nmypy_path = stubs\n")
            .With("ruff.toml", "line-length = 120\n\n[lint]\nselect = [\"E\", \"W\"]\n")
            .With(".coveragerc", "[run]\nsource =\n    lib\nomit = lib/vendor/*\n")
            .With("tox.ini", "[tox]\nenvlist = py311\n");

        var project = PythonProjectDetector.Detect(tree.Root);

        Assert.Equal(("mypy.ini", "lib", "stubs"), (project.Mypy!.ConfigFile, Single(project.Mypy, "files"), Single(project.Mypy, "mypy_path")));
        Assert.Equal(("ruff.toml", "E W", "120"), (project.Ruff!.ConfigFile, string.Join(' ', project.Ruff.Get("select")), Single(project.Ruff, "line-length")));
        Assert.Equal((".coveragerc", "lib", "lib/vendor/*"), (project.Coverage!.ConfigFile, Single(project.Coverage, "source"), Single(project.Coverage, "omit")));
        Assert.Null(project.Pytest.ConfigFile);
    }

    [Fact]
    public void A_broken_pyproject_is_a_note_not_a_crash_and_given_files_replace_the_walk()
    {
        using var tree = new ProjectTree()
            .With("app/__init__.py").With("untracked/__init__.py")
            .With("pyproject.toml", "[tool.mypy\nstrict = true\n");

        var project = PythonProjectDetector.Detect(tree.Root, ["app/__init__.py", "pyproject.toml"]);

        Assert.Equal(["app"], project.Packages.Select(p => p.Name));
        Assert.Contains(project.Notes, n => n.StartsWith("pyproject.toml is not valid TOML", StringComparison.Ordinal));
        Assert.Null(project.Mypy);
    }

    private static string Single(ToolSettings settings, string option) => Assert.Single(settings.Get(option));
}
