using Factory.Tests.Support;
using System.Text.Json;
using Factory.Benchmarks.Support;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Benchmarks.EndToEnd;

/// <summary>One model name per stage on the fake server, each answering a valid reply for the /health request.</summary>
internal static class ScriptedModels
{
    private static readonly Dictionary<StageName, string> Names = new()
    {
        [StageName.Plan] = "plan-model:1b",
        [StageName.Scout] = "scout-model:1b",
        [StageName.Build] = "build-model:7b",
        [StageName.Test] = "test-model:7b",
        [StageName.Review] = "review-model:3b",
    };

    public static ModelOptions Options(FakeOllamaServer server)
    {
        var options = new ModelOptions { Ollama = { BaseUrl = server.BaseUri.ToString() } };
        foreach (var (stage, model) in Names)
        {
            options.Stages.For(stage).Model = model;
        }

        return options;
    }

    // Valid replies for the /health request, in each stage's JSON contract (see the Prompts folder).
    private static readonly Dictionary<StageName, object> Replies = new()
    {
        [StageName.Plan] = new Dictionary<string, object>
        {
            ["title"] = "Add a /health endpoint",
            ["acceptance_criteria"] = new List<string> { "GET /health returns {\"status\": \"ok\"}" },
            ["out_of_scope"] = new List<string> { "authentication" },
            ["constraints"] = new List<string> { "no new dependencies" },
        },
        [StageName.Scout] = new Dictionary<string, object>
        {
            ["files"] = new List<string> { SampleChange.MainPath },
            ["conventions"] = new List<string> { "routes return dict[str, str]" },
            ["prior_art"] = new List<string> { "root()" },
        },
        [StageName.Build] = new Dictionary<string, object>
        {
            ["edits"] = new List<object> { new Dictionary<string, string> { ["path"] = SampleChange.MainPath, ["content"] = SampleChange.HealthRoute } },
        },
        [StageName.Test] = new Dictionary<string, string> { ["path"] = SampleChange.TestPath, ["content"] = SampleChange.HealthTest },
        [StageName.Review] = new Dictionary<string, object>
        {
            ["verdict"] = "approve",
            ["reasons"] = new List<string> { "GET /health returns {\"status\": \"ok\"}" },
        },
    };

    public static void Install(FakeOllamaServer server)
    {
        foreach (var (stage, reply) in Replies)
        {
            var json = JsonSerializer.Serialize(reply);
            server.Respond(Names[stage], _ => FakeReply.Text(json));
        }
    }
}
