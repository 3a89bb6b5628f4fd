using System.Text.Json;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Build;
using Factory.Dataflow.Stages.Plan;
using Factory.Dataflow.Stages.Review;
using Factory.Dataflow.Stages.Scout;
using Factory.Dataflow.Stages.TestWriter;
using Factory.Tests.Support.FakeOllama;
using Factory.Tests.Toolchains.Python;

namespace Factory.Tests.Stages;

/// <summary>The prompts follow the project: they name a framework only when the project uses it, and TEST sees the project's fixtures.</summary>
public class ProjectPromptTests
{
    private static readonly string[] FrameworkNames = ["fastapi", "flask", "django", "testclient", "test_client"];

    private static readonly Spec AddSpec = new("Add a subtract function", ["subtract(5, 3) returns 2"], ["other operations"], ["no new dependencies"]);

    [Fact]
    public async Task Every_prompt_for_a_project_without_a_framework_names_none_even_when_the_model_claims_one()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text(JsonSerializer.Serialize(new { title = AddSpec.Title, acceptance_criteria = AddSpec.AcceptanceCriteria })));
        server.Script(StageTestKit.ReviewModel,
            FakeReply.Text(JsonSerializer.Serialize(new { files = new[] { "calc/ops.py" }, framework = "FastAPI", test_conventions = new[] { "plain asserts" } })),
            FakeReply.Text("{\"verdict\": \"approve\", \"reasons\": [\"subtract(5, 3) returns 2\"]}"));
        server.Script(StageTestKit.BuildModel,
            FakeReply.Text(JsonSerializer.Serialize(new { edits = new[] { new { path = "calc/ops.py", search = "    return a + b\n", replace = "    return a + b\n\n\ndef subtract(a: int, b: int) -> int:\n    return a - b\n" } } })),
            FakeReply.Text("{\"path\": \"tests/test_subtract.py\", \"content\": \"from calc.ops import subtract\\n\"}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(
            ("calc/__init__.py", ""), ("calc/ops.py", "def add(a: int, b: int) -> int:\n    return a + b\n"),
            ("tests/test_ops.py", "from calc.ops import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n"))
        {
            Diff = "diff --git a/calc/ops.py b/calc/ops.py\n+def subtract(a: int, b: int) -> int:\n+    return a - b\n",
        };

        var plan = await new PlanStage(factory.Create(StageName.Plan)).ExecuteAsync(StageTestKit.Context(StageName.Plan), CancellationToken.None);
        var scout = await new ScoutStage(factory.Create(StageName.Scout)).ExecuteAsync(StageTestKit.Context(StageName.Scout, AddSpec, workspace: workspace), CancellationToken.None);
        var brief = Assert.IsType<ScoutBrief>(scout.Output);
        var build = await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse())
            .ExecuteAsync(StageTestKit.Context(StageName.Build, AddSpec, brief, workspace), CancellationToken.None);
        var changed = new FileEdit("calc/ops.py", File.ReadAllText(Path.Combine(workspace.RootPath, "calc/ops.py")));
        await new ModelTestWriter(factory.Create(StageName.Test))
            .WriteTestsAsync(StageTestKit.Context(StageName.Test, AddSpec, brief, workspace), [changed], CancellationToken.None);
        await new ReviewStage(factory.Create(StageName.Review)).ExecuteAsync(StageTestKit.Context(StageName.Review, AddSpec, brief, workspace), CancellationToken.None);

        Assert.True(plan.Ok && scout.Ok && build.Ok, $"{plan.Detail}\n{scout.Detail}\n{build.Detail}");
        Assert.Null(brief.Framework);
        Assert.Equal(5, server.ChatRequests.Count);
        foreach (var request in server.ChatRequests)
        {
            // The request as sent, minus the model's own replies quoted back to it.
            var sent = string.Join("\n", request.Messages.Where(m => m.Role != "assistant").Select(m => m.Content));
            Assert.All(FrameworkNames, name => Assert.DoesNotContain(name, sent, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Contains("Call the code under test directly", server.ChatRequestsFor(StageTestKit.BuildModel)[1].AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flask_projects_test_prompt_names_flasks_test_client_the_conftest_fixtures_and_an_example_test()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{\"path\": \"tests/test_about.py\", \"content\": \"def test_about() -> None: ...\\n\"}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(
            ("shop/__init__.py", ProjectTree.FlaskFactory), ("tests/conftest.py", ProjectTree.FlaskConftest), ("tests/test_index.py", ProjectTree.FlaskTest));
        var spec = new Spec("Add an /about page", ["GET /about returns 200 with the text about"], [], []);

        await new ModelTestWriter(factory.Create(StageName.Test))
            .WriteTestsAsync(StageTestKit.Context(StageName.Test, spec, workspace: workspace), [new FileEdit("shop/__init__.py", ProjectTree.FlaskFactory)], CancellationToken.None);

        var sent = Assert.Single(server.ChatRequests);
        var system = sent.Messages[0].Content;
        var user = sent.Messages[1].Content;
        Assert.Contains("The project is a Flask application: call it through Flask's test client, app.test_client()", system, StringComparison.Ordinal);
        Assert.DoesNotContain("fastapi", sent.AllText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("- app (tests/conftest.py:9, scope function): def app() -> Flask: -- The application, configured for tests.", user, StringComparison.Ordinal);
        Assert.Contains("- client (tests/conftest.py:17, scope function): def client(app: Flask) -> FlaskClient:", user, StringComparison.Ordinal);
        Assert.Contains("EXAMPLE TEST MODULE tests/test_index.py", user, StringComparison.Ordinal);
        Assert.Contains("def test_index_names_the_shop(client: FlaskClient) -> None:", user, StringComparison.Ordinal);
        Assert.Contains("tests call the application through Flask's test client, app.test_client() (the client fixture in tests/conftest.py)", user, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scout_keeps_the_detected_framework_reads_cited_regions_and_shows_the_project_facts()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.ReviewModel, FakeReply.Text(JsonSerializer.Serialize(new
        {
            files = new[] { "shop/__init__.py" },
            regions = new[] { "shop/__init__.py:4-11", "not a region" },
            framework = "FastAPI",
            test_conventions = new[] { "tests check status codes first" },
        })));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(
            ("shop/__init__.py", ProjectTree.FlaskFactory), ("tests/conftest.py", ProjectTree.FlaskConftest), ("tests/test_index.py", ProjectTree.FlaskTest));
        var context = StageTestKit.Context(StageName.Scout, StageTestKit.HealthSpec, workspace: workspace);

        var result = await new ScoutStage(factory.Create(StageName.Scout)).ExecuteAsync(context, CancellationToken.None);

        var brief = Assert.IsType<ScoutBrief>(result.Output);
        Assert.Equal("Flask", brief.Framework);
        Assert.Equal("Flask", context.Usage.Extras["framework"]);
        Assert.Equal([new FileRegion("shop/__init__.py", 4, 11)], brief.Regions);
        Assert.Contains("tests check status codes first", brief.TestConventions);
        Assert.Contains("fixtures in tests/conftest.py: app, client", brief.TestConventions);
        var opening = Assert.Single(server.ChatRequests).Messages[1].Content;
        Assert.Contains("- framework: Flask (shop/__init__.py:1 imports flask); application: create_app() in shop/__init__.py", opening, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_is_told_about_the_project_when_it_is_given_one_and_names_no_framework_of_its_own()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text(JsonSerializer.Serialize(new { title = "t", acceptance_criteria = new[] { "c" } })));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));

        await new PlanStage(factory.Create(StageName.Plan), "a Flask application (packages: shop); tests in tests/")
            .ExecuteAsync(StageTestKit.Context(StageName.Plan), CancellationToken.None);

        var sent = Assert.Single(server.ChatRequests);
        Assert.DoesNotContain("flask", sent.Messages[0].Content, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("The project: a Flask application (packages: shop); tests in tests/\n\nFeature request:\n", sent.Messages[1].Content, StringComparison.Ordinal);
    }
}
