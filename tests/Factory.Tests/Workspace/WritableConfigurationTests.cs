using Factory.Dataflow;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

public sealed class WritableConfigurationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_repository_may_open_a_configuration_file_to_BUILD_but_never_Factorys_own_settings()
    {
        using var repo = SampleRepo.Create();
        File.WriteAllText(Path.Combine(repo.CheckoutPath, ".factory", "gates.json"), "{\"writable\": [\"pyproject.toml\", \".factory\", \"appsettings.json\"]}\n");
        repo.Git("commit", "--quiet", "-am", "let BUILD change pyproject.toml");
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath });
        await using var workspace = await provider.CreateAsync(new FeatureRequest("writable", "x"), null, None);

        var pyproject = await workspace.WriteAsync([new FileEdit("pyproject.toml", "[project]\nname = \"targetapp\"\n")], WriterRole.Build, None);
        var gates = await workspace.WriteAsync([new FileEdit(".factory/gates.json", "{}\n")], WriterRole.Build, None);
        var settings = await workspace.WriteAsync([new FileEdit("appsettings.json", "{}\n")], WriterRole.Build, None);

        Assert.True(pyproject.Accepted, pyproject.Rejection);
        Assert.False(gates.Accepted);
        Assert.Contains("Factory's own settings", gates.Rejection);
        Assert.False(settings.Accepted);
    }
}
