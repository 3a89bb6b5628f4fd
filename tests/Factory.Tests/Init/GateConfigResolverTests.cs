using Factory.Dataflow.Gates;
using Factory.Tests.Support;

namespace Factory.Tests.Init;

public class GateConfigResolverTests
{
    [Fact]
    public async Task Without_a_committed_file_the_configuration_is_detected_from_the_base_commits_files_whatever_a_change_adds()
    {
        using var repo = LibraryProject.SrcWithTestsPytestIni.CreateRepository();

        var before = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(repo.CheckoutPath, "src", "other"));
        File.WriteAllText(Path.Combine(repo.CheckoutPath, "src", "other", "__init__.py"), "");
        var after = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);

        Assert.True(before.IsDetected);
        Assert.Equal("src/shop", before.Config.SourcePackage);
        Assert.Equal(before, after);
        Assert.StartsWith("gates: no .factory/gates.json committed; detected sourcePackage src/shop", before.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_that_moves_HEAD_is_detected_again_and_not_answered_from_the_earlier_commit()
    {
        using var repo = LibraryProject.PackageAtRoot.CreateRepository();

        var before = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);
        var again = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(repo.CheckoutPath, "src"));
        repo.Git("mv", "shop", "src/shop");
        repo.Git("commit", "--quiet", "-m", "src layout");
        var moved = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);

        Assert.Equal("shop", before.Config.SourcePackage);
        Assert.Same(before, again);
        Assert.Equal("src/shop", moved.Config.SourcePackage);
    }

    [Fact]
    public async Task A_committed_file_wins_over_detection()
    {
        using var repo = SampleRepo.Create();

        var resolved = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);

        Assert.False(resolved.IsDetected);
        Assert.Equal(80, resolved.Config.CoverageFloor);
        Assert.Equal("gates: .factory/gates.json of the base commit", resolved.Describe());
        Assert.Null(await GateConfigResolver.UncommittedChangeAsync(repo.CheckoutPath, CancellationToken.None));
    }

    [Fact]
    public async Task An_uncommitted_change_to_the_configuration_is_named()
    {
        using var repo = SampleRepo.Create();
        var path = Path.Combine(repo.CheckoutPath, GateConfig.RelativePath);

        File.AppendAllText(path, "\n");
        var changed = await GateConfigResolver.UncommittedChangeAsync(repo.CheckoutPath, CancellationToken.None);
        repo.Git("add", GateConfig.RelativePath);
        var staged = await GateConfigResolver.UncommittedChangeAsync(repo.CheckoutPath, CancellationToken.None);
        File.Delete(path);
        var deleted = await GateConfigResolver.UncommittedChangeAsync(repo.CheckoutPath, CancellationToken.None);

        Assert.Equal("has changes that are not committed", changed);
        Assert.Equal("has changes that are not committed", staged);
        Assert.Equal("is deleted in the checkout but committed", deleted);
    }
}
