using System.Text.Json;
using System.Text.RegularExpressions;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

/// <summary>
/// Realistic replies for every model stage on the sample app, chosen from what each request asks (its stage from the
/// system prompt, its feature from "GET /name" in the conversation), so any number of concurrent requests get the
/// right replies in any order. A request for GET /name adds a route returning {"status": "ok"} and a test for it.
/// Two names behave like the demo: <c>version</c> first gets code with a mypy error (fixed once the feedback arrives),
/// and <c>stats</c> gets an extra, unrequested GET /debug route, which REVIEW rejects.
/// </summary>
internal static partial class ScriptedModels
{
    public const string General = "qwen2.5:3b";
    public const string Coder = "qwen2.5-coder:7b";

    private const string BaseApp = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/\")\ndef root() -> dict[str, str]:\n    return {\"service\": \"targetapp\"}\n";

    /// <summary>Installs the responders. <paramref name="latency"/> delays every reply (the server serialises them while it waits).</summary>
    public static void Install(FakeOllamaServer server, TimeSpan? latency = null) => Install(server, _ => null, latency);

    /// <summary>
    /// Installs the responders, with <paramref name="replace"/> asked first: its reply (the system prompt says which
    /// stage asks) is used instead of the scripted one unless it returns null.
    /// </summary>
    public static void Install(FakeOllamaServer server, Func<ReceivedRequest, FakeReply?> replace, TimeSpan? latency = null)
    {
        server.Respond(General, request => replace(request) ?? Reply(request, latency));
        server.Respond(Coder, request => replace(request) ?? Reply(request, latency));
    }

    /// <summary>
    /// Whether <paramref name="stage"/> (PLAN, SCOUT, BUILD, TEST or REVIEW) asks: the system prompt's first sentence
    /// names it ("You are BUILD.", "You are an INDEPENDENT REVIEWER.").
    /// </summary>
    public static bool IsStage(ReceivedRequest request, string stage) =>
        (request.Messages.FirstOrDefault(m => m.Role == "system").Content ?? "").Split('.', 2)[0].Contains(stage, StringComparison.Ordinal);

    private static FakeReply Reply(ReceivedRequest request, TimeSpan? latency)
    {
        if (latency is { } delay)
        {
            Thread.Sleep(delay);
        }

        var system = request.Messages.FirstOrDefault(m => m.Role == "system").Content ?? "";
        var text = request.AllText;
        var name = RouteName().Match(text) is { Success: true } match ? match.Groups[1].Value : "feature";
        var json = system switch
        {
            _ when system.StartsWith("You are PLAN", StringComparison.Ordinal) => Json(new
            {
                title = $"Add GET /{name}",
                acceptance_criteria = new[] { $"GET /{name} returns 200 with the JSON body {{\"status\": \"ok\"}}" },
                out_of_scope = new[] { "any other route" },
                constraints = new[] { "no new dependencies", "do not change existing routes" },
            }),
            _ when system.StartsWith("You are SCOUT", StringComparison.Ordinal) => Json(new
            {
                files = new[] { "app/main.py" },
                conventions = new[] { "routes are module-level functions with full type hints (mypy strict)" },
                prior_art = new[] { "GET / in app/main.py returns a dict[str, str]" },
            }),
            _ when system.StartsWith("You are BUILD", StringComparison.Ordinal) => Json(new
            {
                edits = new[] { new { path = "app/main.py", content = Build(name, text) } },
            }),
            _ when system.StartsWith("You are TEST", StringComparison.Ordinal) => Json(new
            {
                path = $"tests/test_{name}.py",
                content = $"from fastapi.testclient import TestClient\n\nfrom app.main import app\n\nclient = TestClient(app)\n\n\ndef test_{name}() -> None:\n    response = client.get(\"/{name}\")\n    assert response.status_code == 200\n    assert response.json() == {{\"status\": \"ok\"}}\n",
            }),
            _ => Review(text),
        };
        return FakeReply.Text(json, promptEvalCount: 200 + text.Length / 40, evalCount: 40 + json.Length / 4);
    }

    private static string Build(string name, string conversation)
    {
        var route = $"\n\n@app.get(\"/{name}\")\ndef {name}() -> dict[str, str]:\n    return {{\"status\": \"ok\"}}\n";
        if (name == "version" && !conversation.Contains("incompatible type", StringComparison.Ordinal))
        {
            // A plausible first try that mypy (strict) refuses: an int where the signature promises str.
            return BaseApp + $"\n\n@app.get(\"/{name}\")\ndef {name}() -> dict[str, str]:\n    return {{\"status\": 1}}\n";
        }

        if (name == "stats")
        {
            return BaseApp + route + "\n\n@app.get(\"/debug\")\ndef debug() -> dict[str, str]:\n    return {\"debug\": \"on\"}\n";
        }

        return BaseApp + route;
    }

    private static string Review(string conversation)
    {
        var added = conversation.Split('\n').Where(l => l.StartsWith("+@app.get(", StringComparison.Ordinal)).ToList();
        return added.Count > 1
            ? Json(new { verdict = "reject", reasons = new[] { $"the diff adds {added.Count} routes ({string.Join(", ", added.Select(a => a[1..]))}); the specification asks for one, so the extra route is unrequested behaviour" } })
            : Json(new { verdict = "approve", reasons = new[] { "the single acceptance criterion is met and nothing else was added" } });
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [GeneratedRegex(@"GET /([a-z][a-z0-9_]*)")]
    private static partial Regex RouteName();
}
