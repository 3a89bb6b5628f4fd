using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Samples;

/// <summary>
/// The model replies the samples' cassette is recorded from: what a good model answers for the two sample requests on
/// <c>samples/targetapp</c>, each stage in the contract its prompt asks for. Scripted per model in call order.
/// </summary>
internal static class SampleReplies
{
    // The samples send these; one definition, so the recording and the replay cannot drift apart.
    public const string HealthRequest = Factory.Samples.Support.SampleFiles.HealthRequest;
    public const string VersionRequest = Factory.Samples.Support.SampleFiles.VersionRequest;

    // The default models (ModelOptions): PLAN, SCOUT and REVIEW on the small model, BUILD and TEST's writer on the coder.
    public const string SmallModel = "qwen2.5:3b";
    public const string CoderModel = "qwen2.5-coder:7b";

    public static void ScriptHealth(FakeOllamaServer server) => Script(
        server,
        "Add a /health endpoint",
        "GET /health returns 200 with {\"status\": \"ok\"}",
        Route("health", "{\"status\": \"ok\"}"),
        Test("health", "{\"status\": \"ok\"}"));

    public static void ScriptVersion(FakeOllamaServer server) => Script(
        server,
        "Add a /version endpoint",
        "GET /version returns 200 with {\"version\": \"0.1.0\"}",
        Route("version", "{\"version\": \"0.1.0\"}"),
        Test("version", "{\"version\": \"0.1.0\"}"));

    private static void Script(FakeOllamaServer server, string title, string criterion, string mainPy, (string Path, string Content) test)
    {
        server.Script(
            SmallModel,
            FakeReply.Text(Json(new { title, acceptance_criteria = new[] { criterion }, out_of_scope = new[] { "authentication" }, constraints = new[] { "no new dependencies" } })),
            FakeReply.Tools(("read_file", "{\"path\": \"app/main.py\"}")),
            FakeReply.Text(Json(new
            {
                files = new[] { "app/main.py" },
                conventions = new[] { "routes are typed functions returning dict[str, str]" },
                prior_art = new[] { "root() in app/main.py" },
            })),
            FakeReply.Text(Json(new { verdict = "approve", reasons = new[] { $"{criterion}, and a test checks it" } })));
        server.Script(
            CoderModel,
            FakeReply.Text(Json(new { edits = new[] { new { path = "app/main.py", content = mainPy } } })),
            FakeReply.Text(Json(new { path = test.Path, content = test.Content })));
    }

    private static string Route(string name, string body) => $$"""
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/")
        def root() -> dict[str, str]:
            return {"service": "targetapp"}


        @app.get("/{{name}}")
        def {{name}}() -> dict[str, str]:
            return {{body}}

        """;

    private static (string, string) Test(string name, string body) => ($"tests/test_{name}.py", $$"""
        from fastapi.testclient import TestClient

        from app.main import app

        client = TestClient(app)


        def test_{{name}}() -> None:
            response = client.get("/{{name}}")
            assert response.status_code == 200
            assert response.json() == {{body}}

        """);

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
