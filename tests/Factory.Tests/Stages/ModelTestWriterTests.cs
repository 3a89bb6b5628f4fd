using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.TestWriter;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

public class ModelTestWriterTests
{
    private static readonly FileEdit Changed = new("app/main.py", "@app.get('/health')\ndef health() -> dict[str, str]: ...\n");

    [Fact]
    public async Task The_writer_proposes_new_test_files_at_temperature_zero()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{\"path\": \"tests/test_health.py\", \"content\": \"def test_health() -> None: ...\\n\"}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("tests/test_main.py", "def test_root() -> None: ...\n"));

        var edits = await new ModelTestWriter(factory.Create(StageName.Test))
            .WriteTestsAsync(StageTestKit.Context(StageName.Test, StageTestKit.HealthSpec, workspace: workspace), [Changed], CancellationToken.None);

        var edit = Assert.Single(edits);
        Assert.Equal("tests/test_health.py", edit.Path);
        var sent = Assert.Single(server.ChatRequests);
        Assert.Equal(0.0, sent.Temperature);
        Assert.Contains(Changed.Content.TrimEnd(), sent.AllText);
        Assert.Contains("- tests/test_main.py", sent.AllText);
    }

    [Fact]
    public async Task A_files_list_is_accepted_too()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(
            "{\"files\": [{\"path\": \"tests/test_a.py\", \"content\": \"\"}, {\"path\": \"tests/test_b.py\", \"content\": \"\"}]}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace();

        var edits = await new ModelTestWriter(factory.Create(StageName.Test))
            .WriteTestsAsync(StageTestKit.Context(StageName.Test, StageTestKit.HealthSpec, workspace: workspace), [Changed], CancellationToken.None);

        Assert.Equal(["tests/test_a.py", "tests/test_b.py"], edits.Select(e => e.Path));
    }

    [Fact]
    public async Task Overwriting_an_existing_test_or_writing_outside_the_tests_folder_is_repaired_then_refused()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel,
            FakeReply.Text("{\"path\": \"tests/test_main.py\", \"content\": \"\"}"),
            FakeReply.Text("{\"path\": \"app/test_health.py\", \"content\": \"\"}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("tests/test_main.py", "def test_root() -> None: ...\n"));
        var context = StageTestKit.Context(StageName.Test, StageTestKit.HealthSpec, workspace: workspace);

        var error = await Assert.ThrowsAsync<ReplyFormatException>(
            async () => await new ModelTestWriter(factory.Create(StageName.Test)).WriteTestsAsync(context, [Changed], CancellationToken.None));

        Assert.Contains("\"tests/test_main.py\" already exists", server.ChatRequests[1].Messages[^1].Content);
        Assert.Equal("TEST's reply could not be read after one repair attempt: \"app/test_health.py\" is not a path under tests/; new tests go there", error.Message);
        Assert.Equal(1, context.Usage.Retries);
    }
}
