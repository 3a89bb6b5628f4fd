using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Factory.Tests.Support;

/// <summary>
/// A throwaway copy of <c>samples/targetapp</c> made into a git repository with one commit, plus a separate folder for
/// the factory's state (outside the checkout). Dispose deletes both.
/// </summary>
public sealed class SampleRepo : IDisposable
{
    private readonly DirectoryInfo _scratch;

    private SampleRepo(DirectoryInfo scratch)
    {
        _scratch = scratch;
        CheckoutPath = Path.Combine(scratch.FullName, "checkout");
        StatePath = Path.Combine(scratch.FullName, "state");
        RunsPath = Path.Combine(scratch.FullName, "runs");
    }

    /// <summary>The user's checkout: the repository the factory works on.</summary>
    public string CheckoutPath { get; }

    /// <summary>A folder for the factory's state (worktrees, locks, caches), outside the checkout.</summary>
    public string StatePath { get; }

    /// <summary>A folder for run directories.</summary>
    public string RunsPath { get; }

    /// <summary>Copies <c>samples/&lt;sample&gt;</c> into a new temporary repository with one commit on <c>main</c>.</summary>
    public static SampleRepo Create(string sample = "targetapp")
    {
        var repo = new SampleRepo(Directory.CreateTempSubdirectory("factory-sample-"));
        CopyFolder(Path.Combine(RepositoryRoot(), "samples", sample), repo.CheckoutPath);
        Directory.CreateDirectory(repo.StatePath);
        Directory.CreateDirectory(repo.RunsPath);
        repo.Git("init", "--quiet", "--initial-branch=main");
        repo.Git("config", "user.name", "Sample User");
        repo.Git("config", "user.email", "user@example.com");
        repo.Git("add", "--all");
        repo.Git("commit", "--quiet", "-m", $"scaffold {sample}");
        return repo;
    }

    /// <summary>The Factory repository's root (where Factory.sln is), found from the test assembly's folder.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Factory.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"Factory.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs git in the checkout and returns stdout; throws with git's stderr when it fails.</summary>
    public string Git(params string[] arguments) => RunGit(CheckoutPath, arguments);

    /// <summary>Runs git in <paramref name="folder"/> and returns stdout; throws with git's stderr when it fails.</summary>
    public static string RunGit(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--no-optional-locks");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {stderr}");
        }

        return stdout.Result;
    }

    /// <summary>
    /// Everything about the checkout a user could notice: every working-tree file's bytes, the index, HEAD, the current
    /// branch and git status. Equal snapshots mean the checkout is byte-for-byte as it was.
    /// </summary>
    public string Snapshot()
    {
        var text = new StringBuilder(Fingerprint(CheckoutPath));
        text.Append("index ").AppendLine(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(CheckoutPath, ".git", "index")))));
        text.Append("HEAD ").AppendLine(Git("rev-parse", "HEAD").Trim());
        text.Append("branch ").AppendLine(Git("symbolic-ref", "HEAD").Trim());
        text.Append("status ").AppendLine(Git("status", "--porcelain", "--untracked-files=all", "--ignored"));
        return text.ToString();
    }

    /// <summary>
    /// Every file's path and content hash and every symlink's target under <paramref name="folder"/>, without following
    /// links and without the top-level <c>.git</c> folder (git's own data, which the factory's worktrees legitimately change).
    /// </summary>
    public static string Fingerprint(string folder)
    {
        var text = new StringBuilder();
        Walk(folder, folder, text);
        return text.ToString();
    }

    private static void Walk(string root, string folder, StringBuilder text)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            if (entry.LinkTarget is { } target)
            {
                text.Append(relative).Append(" -> ").AppendLine(target);
            }
            else if (entry is DirectoryInfo directory)
            {
                if (relative != ".git")
                {
                    text.Append(relative).AppendLine("/");
                    Walk(root, directory.FullName, text);
                }
            }
            else
            {
                text.Append(relative).Append(' ').AppendLine(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName))));
            }
        }
    }

    /// <summary>Deletes the checkout and the state folder.</summary>
    public void Dispose()
    {
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: nothing to clean.
        }
    }

    private static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(file);
            File.Copy(file, Path.Combine(destination, name));
        }

        foreach (var folder in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(folder);
            if (name is "__pycache__" or ".mypy_cache" or ".pytest_cache")
            {
                continue;
            }

            CopyFolder(folder, Path.Combine(destination, name));
        }
    }
}
