using System.Diagnostics;

namespace Factory.Samples.Support;

/// <summary>
/// A throwaway copy of <c>samples/targetapp</c> made into a git repository with one commit on <c>main</c>, plus folders
/// for the factory's state and run directories beside it (never inside the checkout). Dispose deletes all of it.
/// </summary>
public sealed class SampleRepository : IDisposable
{
    private readonly DirectoryInfo _scratch;

    private SampleRepository(DirectoryInfo scratch)
    {
        _scratch = scratch;
        Checkout = Path.Combine(scratch.FullName, "checkout");
        State = Path.Combine(scratch.FullName, "state");
        Runs = Path.Combine(scratch.FullName, "runs");
    }

    /// <summary>The repository the factory changes.</summary>
    public string Checkout { get; }

    /// <summary>The factory's worktrees, locks and mypy cache.</summary>
    public string State { get; }

    /// <summary>Run directories, one per request, each with its trace.jsonl.</summary>
    public string Runs { get; }

    /// <summary>Copies <c>samples/targetapp</c> (found above the running program) into a new repository.</summary>
    public static SampleRepository Create()
    {
        var repository = new SampleRepository(Directory.CreateTempSubdirectory("factory-sample-"));
        Copy(Path.Combine(SampleFiles.RepositoryRoot(), "samples", "targetapp"), repository.Checkout);
        Directory.CreateDirectory(repository.State);
        Directory.CreateDirectory(repository.Runs);
        repository.Git("init", "--quiet", "--initial-branch=main");
        repository.Git("config", "user.name", "Factory Sample");
        repository.Git("config", "user.email", "sample@example.com");
        repository.Git("add", "--all");
        repository.Git("commit", "--quiet", "-m", "targetapp");
        return repository;
    }

    /// <summary>Deletes the checkout, the state and the runs.</summary>
    public void Dispose()
    {
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    private void Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Checkout, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started.");
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(source))
        {
            // Caches left by running the app's tools by hand are not part of the app.
            if (Path.GetFileName(folder) is not ("__pycache__" or ".mypy_cache" or ".pytest_cache"))
            {
                Copy(folder, Path.Combine(destination, Path.GetFileName(folder)));
            }
        }
    }
}
