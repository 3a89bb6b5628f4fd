using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

/// <summary>
/// HEAD read from git's files names what <c>git rev-parse HEAD</c> names, in a checkout and in a linked worktree,
/// with loose and packed refs, detached, and after a commit moves the branch; anything else is "not sure" (null).
/// </summary>
public sealed class GitHeadFileTests : IDisposable
{
    private readonly SampleRepo _repo = SampleRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void A_checkout_on_a_branch_reads_what_git_names_before_and_after_a_commit_moves_it()
    {
        var before = GitHeadFile.TryRead(_repo.CheckoutPath);
        File.WriteAllText(Path.Combine(_repo.CheckoutPath, "notes.txt"), "more\n");
        _repo.Git("add", "notes.txt");
        _repo.Git("commit", "--quiet", "-m", "notes");

        Assert.Equal(RevParse(_repo.CheckoutPath), GitHeadFile.TryRead(_repo.CheckoutPath));
        Assert.NotEqual(before, GitHeadFile.TryRead(_repo.CheckoutPath));
    }

    [Fact]
    public void A_linked_worktree_with_packed_refs_reads_the_branch_from_the_common_dir()
    {
        var worktree = Path.Combine(_repo.StatePath, "linked");
        _repo.Git("worktree", "add", "--quiet", "-b", "side", worktree);
        _repo.Git("pack-refs", "--all");

        Assert.False(File.Exists(Path.Combine(_repo.CheckoutPath, ".git", "refs", "heads", "side")));
        Assert.Equal(RevParse(worktree), GitHeadFile.TryRead(worktree));
    }

    [Fact]
    public void A_detached_head_reads_its_commit()
    {
        var first = RevParse(_repo.CheckoutPath);
        File.WriteAllText(Path.Combine(_repo.CheckoutPath, "notes.txt"), "more\n");
        _repo.Git("add", "notes.txt");
        _repo.Git("commit", "--quiet", "-m", "notes");
        _repo.Git("checkout", "--quiet", "--detach", first);

        Assert.Equal(first, GitHeadFile.TryRead(_repo.CheckoutPath));
    }

    [Fact]
    public void A_folder_below_the_top_level_or_outside_any_repository_is_not_read()
    {
        Assert.Null(GitHeadFile.TryRead(Path.Combine(_repo.CheckoutPath, "app")));
        Assert.Null(GitHeadFile.TryRead(_repo.StatePath));
    }

    [Fact]
    public void A_head_naming_something_other_than_a_branch_is_not_followed()
    {
        _repo.Git("symbolic-ref", "HEAD", "refs/remotes/origin/main");

        Assert.Null(GitHeadFile.TryRead(_repo.CheckoutPath));
    }

    [Fact]
    public void A_head_that_is_a_link_rather_than_a_regular_file_is_not_read()
    {
        var head = Path.Combine(_repo.CheckoutPath, ".git", "HEAD");
        var copy = Path.Combine(_repo.CheckoutPath, ".git", "HEAD.copy");
        File.Copy(head, copy);
        File.Delete(head);
        File.CreateSymbolicLink(head, copy);

        Assert.Null(GitHeadFile.TryRead(_repo.CheckoutPath));
    }

    private static string RevParse(string folder) => SampleRepo.RunGit(folder, "rev-parse", "HEAD").Trim();
}
