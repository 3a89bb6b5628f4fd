using Factory.Dataflow.Gates;
using Factory.Dataflow.Toolchains;
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
    public async Task Worktrees_holding_the_same_configuration_file_share_one_parse()
    {
        using var repo = SampleRepo.Create();
        var worktree = Path.Combine(repo.StatePath, "second");
        repo.Git("worktree", "add", "--quiet", "--detach", worktree);
        var cache = new GateConfigCache(capacity: 4);

        var first = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, ToolchainRegistry.Default, cache, CancellationToken.None);
        var again = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, ToolchainRegistry.Default, cache, CancellationToken.None);
        var other = await GateConfigResolver.ResolveAsync(worktree, ToolchainRegistry.Default, cache, CancellationToken.None);

        Assert.Equal(1, cache.Parses);
        Assert.Same(first.Config, again.Config);
        Assert.Same(first.Config, other.Config);
        Assert.Equal(80, other.Config.CoverageFloor);
    }

    [Fact]
    public async Task A_configuration_file_changed_between_two_resolutions_is_parsed_again_and_its_new_value_used()
    {
        using var repo = SampleRepo.Create();
        var path = Path.Combine(repo.CheckoutPath, GateConfig.RelativePath);
        var cache = new GateConfigCache(capacity: 4);

        var before = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, ToolchainRegistry.Default, cache, CancellationToken.None);
        // Same length, written at once: only the bytes tell the two files apart.
        var text = File.ReadAllText(path);
        Assert.Contains("\"coverageFloor\": 80", text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace("\"coverageFloor\": 80", "\"coverageFloor\": 70", StringComparison.Ordinal));
        var after = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, ToolchainRegistry.Default, cache, CancellationToken.None);
        repo.Git("commit", "--quiet", "-am", "coverage floor 70");
        var committed = await GateConfigResolver.ResolveAsync(repo.CheckoutPath, CancellationToken.None);

        Assert.Equal(80, before.Config.CoverageFloor);
        Assert.Equal(70, after.Config.CoverageFloor);
        Assert.Equal(2, cache.Parses);
        Assert.Equal(70, committed.Config.CoverageFloor);
    }

    [Fact]
    public async Task An_invalid_configuration_file_fails_every_resolution_and_is_not_kept()
    {
        using var repo = SampleRepo.Create();
        File.WriteAllText(Path.Combine(repo.CheckoutPath, GateConfig.RelativePath), """{ "patchCoverageFloor": 120 }""");
        var cache = new GateConfigCache(capacity: 4);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var error = await Assert.ThrowsAsync<Factory.Dataflow.Sandbox.GateEnvironmentException>(
                async () => await GateConfigResolver.ResolveAsync(repo.CheckoutPath, ToolchainRegistry.Default, cache, CancellationToken.None));
            Assert.Contains("patchCoverageFloor must be between 0 and 100", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, cache.Parses);
    }

    [Fact]
    public void The_parse_cache_keeps_the_most_recently_used_texts_up_to_its_capacity()
    {
        var cache = new GateConfigCache(capacity: 2);
        string Text(int floor) => $$"""{ "patchCoverageFloor": {{floor}} }""";

        cache.Parse(Text(1));
        cache.Parse(Text(2));
        cache.Parse(Text(1));
        cache.Parse(Text(3));
        var parsesBefore = cache.Parses;
        cache.Parse(Text(1));
        var keptRecent = cache.Parses == parsesBefore;
        cache.Parse(Text(2));

        Assert.True(keptRecent);
        Assert.Equal(parsesBefore + 1, cache.Parses);
        Assert.Equal(2, cache.Parse(Text(2)).PatchCoverageFloor);
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
