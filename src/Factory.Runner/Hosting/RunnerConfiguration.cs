using System.Collections;
using Factory.Dataflow.Hosting.Registration;
using Factory.Runner.Cli;
using Microsoft.Extensions.Configuration;

namespace Factory.Runner.Hosting;

/// <summary>
/// Where the runner's settings come from, weakest first: the tool's own <c>appsettings.json</c> (beside the tool), the
/// user's configuration (<c>$XDG_CONFIG_HOME/factory/appsettings.json</c>, by default
/// <c>~/.config/factory/appsettings.json</c>), the environment (<c>Factory__...</c>), then the command line (the
/// command's options and <c>--set KEY=VALUE</c>). Never the current folder or the target repository: a repository run
/// with <c>--repo .</c> must not configure the tool that judges it. The settings that can weaken the sandbox or choose
/// the judging tools (<see cref="ProtectedSettings"/>) are taken only from the user's configuration and the command line;
/// anywhere else they stop the command with a message saying where to put them.
/// </summary>
internal static class RunnerConfiguration
{
    public const string FileName = "appsettings.json";

    /// <summary>The user's own configuration file (it need not exist).</summary>
    public static string UserFile()
    {
        // XDG: a relative XDG_CONFIG_HOME is invalid and ignored.
        var home = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(home, "factory", FileName);
    }

    /// <summary>Adds the sources to <paramref name="configuration"/> and refuses protected settings from the wrong source.</summary>
    /// <exception cref="RunnerException">A protected setting comes from the tool's folder or the environment.</exception>
    public static void Add(ConfigurationManager configuration, RunnerSettings settings)
    {
        var root = (IConfigurationRoot)configuration;
        var userFile = UserFile();
        var origins = new List<(IConfigurationProvider Provider, Func<string, string> Describe, bool Owner)>();
        void Track(Func<string, string> describe, bool owner) => origins.Add((root.Providers.Last(), describe, owner));

        var toolFile = Path.Combine(AppContext.BaseDirectory, FileName);
        configuration.AddJsonFile(toolFile, optional: true);
        Track(_ => $"the tool's own {toolFile}", owner: false);

        configuration.AddJsonFile(userFile, optional: true);

        // The user's file is theirs, unless it lies inside the repository being changed (a home folder kept in git).
        var userFileInRepository = settings.Repository is { } repository && IsInside(userFile, repository);
        Track(_ => userFileInRepository ? $"{userFile}, which is inside the repository {settings.Repository}" : userFile, owner: !userFileInRepository);

        configuration.AddEnvironmentVariables();
        Track(key => $"the environment variable {EnvironmentVariableFor(key)}", owner: false);

        configuration.AddInMemoryCollection(settings.ToConfiguration());
        Track(_ => "the command line", owner: true);

        var refused = origins
            .Where(o => !o.Owner)
            .SelectMany(o => ProtectedSettings.SetBy(o.Provider).Select(key => (Key: key, From: o.Describe(key))))
            .ToList();
        if (refused.Count > 0)
        {
            throw new RunnerException(Refusal(refused, userFile));
        }
    }

    private static string Refusal(List<(string Key, string From)> refused, string userFile)
    {
        var example = refused[0].Key;
        var decides = refused
            .Select(r => ProtectedSettings.Covering(r.Key))
            .OfType<ProtectedSetting>()
            .Distinct()
            .Select(s => $"{s.Key} decides {s.Decides}.");
        return "These settings can weaken the sandbox or replace the tools that judge a change, so they are taken only from " +
               "your own configuration or the command line, never from the tool's folder or the environment:\n" +
               string.Join("\n", refused.Select(r => $"- {r.Key}, set by {r.From}")) + "\n" +
               string.Join("\n", decides) + "\n" +
               $"Remove it there. If you mean it, put it in {userFile} ({JsonExample(example)}) " +
               $"or on the command line (--set {example}=VALUE).";
    }

    // {"Factory": {"Sandbox": {"AllowUnsandboxed": ...}}}, with a list for an indexed key (AllowedExecutables:0).
    private static string JsonExample(string key)
    {
        var parts = key.Split(ConfigurationPath.KeyDelimiter);
        var indexed = parts.Length > 1 && parts[^1].All(char.IsAsciiDigit);
        var names = indexed ? parts[..^1] : parts;
        return string.Concat(names.Select(p => $"{{\"{p}\": ")) + (indexed ? "[...]" : "...") + new string('}', names.Length);
    }

    // The variable's name as the user spelled it (any case, '__' for ':'), or the canonical spelling when not found.
    private static string EnvironmentVariableFor(string key)
    {
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (string.Equals(name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), key, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal);
    }

    private static bool IsInside(string path, string folder)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(path));
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
