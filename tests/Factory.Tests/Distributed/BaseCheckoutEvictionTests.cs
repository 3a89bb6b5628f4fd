using Factory.Dataflow.Distributed;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Distributed;

/// <summary>
/// A long-lived worker meets many base commits: the checkouts of idle ones beyond the kept number are removed when
/// their last request is released, never while a request uses one, never a pinned one, and a removed base can be
/// used again.
/// </summary>
public sealed class BaseCheckoutEvictionTests : IDisposable
{
    private readonly SharedRemote _remote = SharedRemote.Create(fastGates: false);
    private readonly RemoteMirror _mirror;

    public BaseCheckoutEvictionTests()
    {
        _mirror = new RemoteMirror(_remote.Path, Path.Combine(_remote.Scratch, "worker"));
    }

    [Fact]
    public async Task Idle_base_checkouts_beyond_the_kept_number_are_removed_oldest_first()
    {
        var workspaces = new BaseCommitWorkspaces(_mirror, new GitWorkspaceOptions(), idleBaseCheckouts: 1);
        var commits = new[] { _remote.Base, _remote.AddCommit("second"), _remote.AddCommit("third") };

        var checkouts = new List<string>();
        for (var i = 0; i < commits.Length; i++)
        {
            var checkout = await workspaces.PrepareAsync($"r{i}", commits[i], CancellationToken.None);
            Assert.True(Directory.Exists(Path.Combine(checkout, ".git")));
            checkouts.Add(checkout);
            await workspaces.ReleaseAsync($"r{i}", checkout, CancellationToken.None);
        }

        Assert.False(Directory.Exists(checkouts[0]));
        Assert.False(Directory.Exists(checkouts[1]));
        Assert.True(Directory.Exists(checkouts[2]));
        Assert.Equal([Path.GetFileName(checkouts[2])], Directory.GetFileSystemEntries(Path.Combine(_mirror.StateDirectory, "bases")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_base_in_use_or_pinned_is_kept_and_a_removed_base_is_made_again_when_named()
    {
        var workspaces = new BaseCommitWorkspaces(_mirror, new GitWorkspaceOptions(), idleBaseCheckouts: 0);
        var second = _remote.AddCommit("second");
        var third = _remote.AddCommit("third");
        _mirror.Pin(third);

        var held = await workspaces.PrepareAsync("held", _remote.Base, CancellationToken.None);
        var pinned = await workspaces.PrepareAsync("pinned", third, CancellationToken.None);
        await workspaces.ReleaseAsync("pinned", pinned, CancellationToken.None);
        var passing = await workspaces.PrepareAsync("passing", second, CancellationToken.None);
        await workspaces.ReleaseAsync("passing", passing, CancellationToken.None);

        Assert.True(Directory.Exists(held), "a base a request is using was removed");
        Assert.True(Directory.Exists(pinned), "a pinned base was removed");
        Assert.False(Directory.Exists(passing));

        await workspaces.ReleaseAsync("held", held, CancellationToken.None);
        Assert.False(Directory.Exists(held));

        var again = await workspaces.PrepareAsync("again", _remote.Base, CancellationToken.None);
        Assert.Equal(held, again);
        Assert.Equal(_remote.Base, SampleRepo.RunGit(again, "rev-parse", "HEAD").Trim());
        await using var workspace = await workspaces.CreateAsync(new Dataflow.FeatureRequest("again", "use the base again"), null, CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(workspace.RootPath, "app", "main.py")));
    }

    public void Dispose()
    {
        _mirror.Dispose();
        _remote.Dispose();
    }
}
