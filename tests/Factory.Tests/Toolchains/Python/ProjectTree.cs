using Factory.Tests.Support;

namespace Factory.Tests.Toolchains.Python;

/// <summary>A throwaway repository folder built file by file for detector tests; deleted when disposed.</summary>
internal sealed class ProjectTree : IDisposable
{
    private readonly TempDirectory _folder = new("factory-project");

    public string Root => _folder.Path;

    public ProjectTree With(string path, string content = "")
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public void Dispose() => _folder.Dispose();

    public const string FastApiMain = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/\")\ndef root() -> dict[str, str]:\n    return {\"service\": \"shop\"}\n";

    public const string FlaskFactory = "from flask import Flask\n\n\ndef create_app() -> Flask:\n    app = Flask(__name__)\n\n    @app.get(\"/\")\n    def index() -> str:\n        return \"shop\"\n\n    return app\n";

    public const string FlaskConftest = """"
        import pytest
        from flask import Flask
        from flask.testing import FlaskClient

        from shop import create_app


        @pytest.fixture
        def app() -> Flask:
            """The application, configured for tests."""
            app = create_app()
            app.config.update(TESTING=True)
            return app


        @pytest.fixture(scope="function")
        def client(
            app: Flask,
        ) -> FlaskClient:
            return app.test_client()
        """";

    public const string FlaskTest = """
        from flask.testing import FlaskClient


        def test_index_names_the_shop(client: FlaskClient) -> None:
            response = client.get("/")
            assert response.status_code == 200
            assert response.get_data(as_text=True) == "shop"


        def test_unknown_page_is_not_found(client: FlaskClient) -> None:
            assert client.get("/nowhere").status_code == 404
        """;
}
