using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Workspace;

/// <summary>
/// HEAD's commit and tree and the common git folder are git's answers; a later worktree of the same repository on the
/// same commit is answered from git's files without a git process, and a commit that moves HEAD asks git again.
/// </summary>
public sealed class GitHeadAnswersTests : IDisposable
{
    private readonly SampleRepo _repo = SampleRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task A_second_worktree_on_the_same_commit_is_answered_without_git()
    {
        var answers = new GitHeadAnswers();
        var first = AddWorktree("first");
        var second = AddWorktree("second");

        var firstHead = await answers.HeadAsync(first, CancellationToken.None);
        var firstCommon = await answers.CommonDirectoryAsync(first, CancellationToken.None);
        var runsAfterFirst = answers.GitRuns;
        var secondHead = await answers.HeadAsync(second, CancellationToken.None);
        var secondCommon = await answers.CommonDirectoryAsync(second, CancellationToken.None);

        Assert.Equal(2, runsAfterFirst);
        Assert.Equal(2, answers.GitRuns);
        Assert.Equal((Git(second, "rev-parse", "HEAD^{commit}"), Git(second, "rev-parse", "HEAD^{tree}")), secondHead);
        Assert.Equal(firstHead, secondHead);
        Assert.Equal(Git(second, "rev-parse", "--path-format=absolute", "--git-common-dir"), secondCommon);
        Assert.Equal(firstCommon, secondCommon);
    }

    [Fact]
    public async Task A_commit_that_moves_HEAD_is_seen_and_asked_of_git_again()
    {
        var answers = new GitHeadAnswers();
        var worktree = AddWorktree("moving");

        var before = await answers.HeadAsync(worktree, CancellationToken.None);
        File.WriteAllText(Path.Combine(worktree, "notes.txt"), "more\n");
        Git(worktree, "add", "notes.txt");
        Git(worktree, "commit", "--quiet", "-m", "notes");
        var after = await answers.HeadAsync(worktree, CancellationToken.None);

        Assert.Equal(2, answers.GitRuns);
        Assert.NotEqual(before, after);
        Assert.Equal((Git(worktree, "rev-parse", "HEAD^{commit}"), Git(worktree, "rev-parse", "HEAD^{tree}")), after);
    }

    [Fact]
    public async Task A_folder_the_files_cannot_answer_for_asks_git_every_time()
    {
        var answers = new GitHeadAnswers();
        var below = Path.Combine(_repo.CheckoutPath, "app");

        var first = await answers.HeadAsync(below, CancellationToken.None);
        var again = await answers.HeadAsync(below, CancellationToken.None);
        await answers.CommonDirectoryAsync(below, CancellationToken.None);
        await answers.CommonDirectoryAsync(below, CancellationToken.None);

        Assert.Equal(4, answers.GitRuns);
        Assert.Equal(first, again);
        Assert.Equal(Git(below, "rev-parse", "HEAD^{commit}"), first.Commit);
    }

    [Fact]
    public async Task A_repository_reached_through_a_symbolic_link_keeps_gits_spelling_of_the_common_folder()
    {
        var answers = new GitHeadAnswers();
        var link = Path.Combine(_repo.StatePath, "through-link");
        File.CreateSymbolicLink(link, _repo.CheckoutPath);

        var first = await answers.CommonDirectoryAsync(link, CancellationToken.None);
        var again = await answers.CommonDirectoryAsync(link, CancellationToken.None);

        Assert.Equal(Git(link, "rev-parse", "--path-format=absolute", "--git-common-dir"), first);
        Assert.Equal(first, again);
        Assert.Equal(1, answers.GitRuns);
    }

    [Fact]
    public async Task A_branch_pointing_at_an_annotated_tag_is_peeled_by_git_and_recognised_by_its_tag_id()
    {
        var answers = new GitHeadAnswers();
        _repo.Git("tag", "-a", "-m", "release", "v1");
        var tag = _repo.Git("rev-parse", "v1").Trim();
        // git refuses to point a branch at a tag; a ref written by hand (or another tool) still can.
        File.WriteAllText(Path.Combine(_repo.CheckoutPath, ".git", "refs", "heads", "tagged"), tag + "\n");
        _repo.Git("symbolic-ref", "HEAD", "refs/heads/tagged");

        var first = await answers.HeadAsync(_repo.CheckoutPath, CancellationToken.None);
        var again = await answers.HeadAsync(_repo.CheckoutPath, CancellationToken.None);

        Assert.Equal(_repo.Git("rev-parse", "v1^{commit}").Trim(), first.Commit);
        Assert.NotEqual(tag, first.Commit);
        Assert.Equal(first, again);
        Assert.Equal(1, answers.GitRuns);
    }

    private string AddWorktree(string name)
    {
        var path = Path.Combine(_repo.StatePath, name);
        _repo.Git("worktree", "add", "--quiet", "--detach", path);
        return path;
    }

    private static string Git(string folder, params string[] arguments) => SampleRepo.RunGit(folder, arguments).Trim();
}
