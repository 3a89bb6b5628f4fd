using System.Text.Json;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.EndToEnd;

/// <summary>
/// Model replies for the end-to-end runs, one model per stage so each stage's traffic is separable. The "models" are
/// scripted (this machine has none), but they answer what they are asked: BUILD's first reply for /health has a type
/// error, its reply to mypy's feedback fixes it; REVIEW rejects any diff that adds a route the spec does not name.
/// </summary>
internal static class ScriptedModels
{
    public const string Plan = "planner:3b";
    public const string Scout = "scout:3b";
    public const string Build = "coder:7b";
    public const string Test = "tester:7b";
    public const string Review = "reviewer:3b";

    public const string HealthRequest = "add a /health endpoint returning status ok";
    public const string PingRequest = "add a /ping endpoint returning pong";

    private const string Root = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/\")\ndef root() -> dict[str, str]:\n    return {\"service\": \"targetapp\"}\n";

    /// <summary>Model options that send each stage to its scripted model on <paramref name="server"/>.</summary>
    public static Factory.Dataflow.Chat.ModelOptions Options(FakeOllamaServer server)
    {
        var models = new Factory.Dataflow.Chat.ModelOptions { Ollama = { BaseUrl = server.BaseUri.ToString() } };
        models.Stages.Plan.Model = Plan;
        models.Stages.Scout.Model = Scout;
        models.Stages.Build.Model = Build;
        models.Stages.Test.Model = Test;
        models.Stages.Review.Model = Review;
        return models;
    }

    public static void Install(FakeOllamaServer server)
    {
        server.Install(Plan, Scout, Build, Test, Review);
        server.Respond(Plan, request => Json(request.AllText.Contains("/ping", StringComparison.Ordinal)
            ? new { title = "Add a /ping endpoint", acceptance_criteria = new[] { "GET /ping returns {\"ping\": \"pong\"}" }, out_of_scope = new[] { "other routes" }, constraints = new[] { "no new dependencies" } }
            : new { title = "Add a /health endpoint", acceptance_criteria = new[] { "GET /health returns {\"status\": \"ok\"}" }, out_of_scope = new[] { "other routes" }, constraints = new[] { "no new dependencies" } }));
        server.Respond(Scout, _ => Json(new { files = new[] { "app/main.py" }, conventions = new[] { "routes are plain functions returning dict[str, str]" }, prior_art = new[] { "root() in app/main.py" } }));
        server.Respond(Build, BuildReply);
        server.Respond(Test, request => request.AllText.Contains("/ping", StringComparison.Ordinal)
            ? Json(new { path = "tests/test_ping.py", content = TestFile("test_ping", "/ping", "{\"ping\": \"pong\"}") })
            : Json(new { path = "tests/test_health.py", content = TestFile("test_health", "/health", "{\"status\": \"ok\"}") }));
        server.Respond(Review, ReviewReply);
    }

    private static FakeReply BuildReply(ReceivedRequest request)
    {
        var text = request.AllText;
        if (text.Contains("/ping", StringComparison.Ordinal))
        {
            // Does what was asked, and a little more that nobody asked for.
            var extra = Root + "\n\n@app.get(\"/ping\")\ndef ping() -> dict[str, str]:\n    return {\"ping\": \"pong\"}\n\n\n@app.get(\"/version\")\ndef version() -> dict[str, str]:\n    return {\"version\": \"1.0\"}\n";
            return Json(new { edits = new[] { new { path = "app/main.py", content = extra } } });
        }

        // mypy's finding in the feedback is what makes the second reply different from the first.
        var fixedNow = text.Contains("Incompatible return value type", StringComparison.Ordinal);
        var body = fixedNow ? "return {\"status\": \"ok\"}" : "return 200";
        var health = Root + $"\n\n@app.get(\"/health\")\ndef health() -> dict[str, str]:\n    {body}\n";
        return Json(new { edits = new[] { new { path = "app/main.py", content = health } } });
    }

    private static FakeReply ReviewReply(ReceivedRequest request)
    {
        var text = request.AllText;
        if (text.Contains("+@app.get(\"/version\")", StringComparison.Ordinal))
        {
            return Json(new { verdict = "reject", reasons = new[] { "the diff adds GET /version, which no acceptance criterion asks for" } });
        }

        return Json(new { verdict = "approve", reasons = new[] { "the diff adds exactly the requested route, with a test" } });
    }

    private static string TestFile(string name, string route, string body) =>
        $"from fastapi.testclient import TestClient\n\nfrom app.main import app\n\nclient = TestClient(app)\n\n\ndef {name}() -> None:\n    response = client.get(\"{route}\")\n    assert response.status_code == 200\n    assert response.json() == {body}\n";

    private static FakeReply Json(object value) => FakeReply.Text(JsonSerializer.Serialize(value), promptEvalCount: 400, evalCount: 120);
}
