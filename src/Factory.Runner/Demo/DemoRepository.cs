using Factory.Runner.Cli;
using Factory.Runner.Hosting;

namespace Factory.Runner.Demo;

/// <summary>
/// The demo's scratch space: a copy of the sample app (shipped beside the tool under demo/targetapp) made into a git
/// repository with one commit, and folders for the runs and the factory's state. Kept afterwards for inspection.
/// </summary>
internal sealed record DemoRepository(string Root, string Checkout, string Runs, string State)
{
    public static string AssetsDirectory => Path.Combine(AppContext.BaseDirectory, "demo");

    public static async Task<DemoRepository> CreateAsync(CancellationToken cancellationToken)
    {
        var sample = Path.Combine(AssetsDirectory, "targetapp");
        if (!Directory.Exists(sample))
        {
            throw new RunnerException($"The demo's sample app is missing at {sample}; rebuild the tool (dotnet build src/Factory.Runner).");
        }

        var root = Directory.CreateTempSubdirectory("factory-demo-").FullName;
        var demo = new DemoRepository(root, Path.Combine(root, "targetapp"), Path.Combine(root, "runs"), Path.Combine(root, "state"));
        Copy(sample, demo.Checkout);
        Directory.CreateDirectory(demo.Runs);
        Directory.CreateDirectory(demo.State);
        foreach (var arguments in new[]
        {
            new[] { "init", "--quiet", "--initial-branch=main" },
            ["add", "--all"],
            ["-c", "user.name=Factory demo", "-c", "user.email=demo@localhost", "commit", "--quiet", "-m", "the sample app"],
        })
        {
            var result = await Git.RunAsync(demo.Checkout, arguments, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new RunnerException($"git {string.Join(' ', arguments)} failed in {demo.Checkout}: {result.Error.Trim()}\nIs git installed?");
            }
        }

        return demo;
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var copy = Path.Combine(destination, Path.GetFileName(file));
            File.Copy(file, copy);

            // A NuGet tool install marks every file executable; git would record mode 755 and every diff would carry
            // a mode change, so the prompts would no longer match the recorded replies. Plain files are plain here.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        foreach (var folder in Directory.EnumerateDirectories(source))
        {
            Copy(folder, Path.Combine(destination, Path.GetFileName(folder)));
        }
    }
}
