namespace Factory.Tests.Support;

/// <summary>
/// The clean change the gate tests and the real-gate benchmarks make to the sample app: a /health route and its test.
/// Linked into the benchmarks, so both measure and check the same edit.
/// </summary>
public static class SampleChange
{
    public const string MainPath = "app/main.py";

    public const string TestPath = "tests/test_health.py";

    public const string HealthRoute = """
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/")
        def root() -> dict[str, str]:
            return {"service": "targetapp"}


        @app.get("/health")
        def health() -> dict[str, str]:
            return {"status": "ok"}

        """;

    public const string HealthTest = """
        from fastapi.testclient import TestClient

        from app.main import app

        client = TestClient(app)


        def test_health() -> None:
            assert client.get("/health").json() == {"status": "ok"}

        """;
}
