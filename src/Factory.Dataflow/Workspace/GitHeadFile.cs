using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The object id HEAD names in a checkout or worktree, read from git's own files as git reads them (the <c>.git</c>
/// folder or <c>gitdir:</c> file, <c>HEAD</c>, the branch's loose ref in the common dir, else <c>packed-refs</c>), with
/// no git process. Anything this reader is not sure of (a symbolic ref to a symbolic ref, reftable, a ref outside
/// <c>refs/heads</c>, a folder below the top level, an entry that is not a regular file) is null.
/// </summary>
/// <remarks>
/// The answer is not verified: the id need not exist, and a branch may point at a tag. Callers use it only to
/// recognise a commit git itself has already named for the same folder (a cache key), and ask git otherwise.
/// </remarks>
internal static class GitHeadFile
{
    private const string GitDirPrefix = "gitdir: ";
    private const string RefPrefix = "ref: ";
    private const int MaxFileBytes = 4096;

    /// <summary>The hexadecimal object id HEAD names at <paramref name="root"/>, or null when it cannot be read for sure.</summary>
    public static string? TryRead(string root)
    {
        try
        {
            if (GitDirectoryOf(root) is not { } gitDirectory)
            {
                return null;
            }

            var head = ReadLine(Path.Combine(gitDirectory, "HEAD"));
            if (head is null || IsObjectId(head))
            {
                return head;
            }

            // Branches live in the common dir (a linked worktree's own folder names it); only refs/heads is followed.
            if (!head.StartsWith(RefPrefix + "refs/heads/", StringComparison.Ordinal) || !IsPlainRefName(head[RefPrefix.Length..]))
            {
                return null;
            }

            var name = head[RefPrefix.Length..];
            var common = CommonDirectoryOf(gitDirectory);
            if (ReadLine(Path.Combine(common, name)) is { } loose)
            {
                return IsObjectId(loose) ? loose : null;
            }

            return FromPackedRefs(Path.Combine(common, "packed-refs"), name);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The absolute path of the git common folder of the checkout or worktree at <paramref name="root"/> as its files
    /// name it (<c>.git</c>, or the <c>gitdir:</c> file's folder and its <c>commondir</c>), symbolic links not
    /// resolved; null when it cannot be read for sure. Not git's own spelling: a key to recognise a repository git
    /// has named before.
    /// </summary>
    public static string? TryReadCommonDirectory(string root)
    {
        try
        {
            return GitDirectoryOf(root) is { } gitDirectory ? CommonDirectoryOf(gitDirectory) : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static string? GitDirectoryOf(string root)
    {
        var dotGit = Path.Combine(root, ".git");
        if (Directory.Exists(dotGit))
        {
            return Path.GetFullPath(dotGit);
        }

        return ReadLine(dotGit) is { } link && link.StartsWith(GitDirPrefix, StringComparison.Ordinal)
            ? Path.GetFullPath(link[GitDirPrefix.Length..], root)
            : null;
    }

    // A linked worktree's own folder names the common dir it shares; a checkout's .git is its own.
    private static string CommonDirectoryOf(string gitDirectory) =>
        ReadLine(Path.Combine(gitDirectory, "commondir")) is { } relative
            ? Path.GetFullPath(relative, gitDirectory)
            : gitDirectory;

    private static string? FromPackedRefs(string path, string name)
    {
        if (LinuxCalls.StatusOf(path) is not { FileType: FileStatus.RegularFile })
        {
            return null;
        }

        // "<id> SP <name>" per ref; '#' starts the header and '^' a peeled tag line.
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && line[0] is not ('#' or '^') && line.AsSpan(space + 1).SequenceEqual(name))
            {
                return IsObjectId(line[..space]) ? line[..space] : null;
            }
        }

        return null;
    }

    private static string? ReadLine(string path)
    {
        // A regular file only, the entry itself: a link, a pipe or a device is "not sure" (and a pipe would block).
        if (LinuxCalls.StatusOf(path) is not { FileType: FileStatus.RegularFile })
        {
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > MaxFileBytes)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).TrimEnd('\r');
    }

    // SHA-1 (40) or SHA-256 (64) in git's lower-case hexadecimal.
    private static bool IsObjectId(string text) =>
        text.Length is 40 or 64 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static bool IsPlainRefName(string name) =>
        !name.Contains("..", StringComparison.Ordinal) && !name.Contains("//", StringComparison.Ordinal) &&
        !name.EndsWith('/') && name.All(c => c > ' ' && c != '\\' && c != 0x7f);
}
