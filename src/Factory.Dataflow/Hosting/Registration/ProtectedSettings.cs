using Microsoft.Extensions.Configuration;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>
/// The settings that can weaken what Factory guarantees: they decide how the gates' tools are confined and which
/// program judges a change. A host should take them only from a source the user alone controls (their own
/// configuration, the command line), never from a file a repository or a model could write, nor from the environment
/// (<see cref="SetBy"/> finds them in a configuration provider). Settings that only choose where Factory creates its own
/// new folders (the state, runs and mypy cache folders) are not listed: the sandbox gets fresh sub-folders there, never
/// what the folder already held.
/// </summary>
public static class ProtectedSettings
{
    /// <summary>The protected keys, each a setting or a whole section, with what it decides.</summary>
    public static IReadOnlyList<ProtectedSetting> All { get; } =
    [
        new("Factory:Sandbox",
            "how the gates' tools are confined: AllowUnsandboxed, the bubblewrap executable, the executables allowed, their PATH and every bound"),
        new("Factory:Gates:PythonInterpreter", "the interpreter that runs mypy, pytest and the syntax check"),
        new("Factory:Workspace:PythonInterpreter", "the interpreter whose standard library and packages new files may not shadow"),
    ];

    /// <summary>Every protected key <paramref name="provider"/> sets (leaf keys, e.g. <c>Factory:Sandbox:AllowUnsandboxed</c>).</summary>
    public static IReadOnlyList<string> SetBy(IConfigurationProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var keys = new List<string>();
        foreach (var setting in All)
        {
            Collect(provider, setting.Key, keys);
        }

        return keys;
    }

    /// <summary>The protected setting that covers <paramref name="key"/>, or null when it is not protected.</summary>
    public static ProtectedSetting? Covering(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return All.FirstOrDefault(s =>
            key.Equals(s.Key, StringComparison.OrdinalIgnoreCase) ||
            key.StartsWith(s.Key + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));
    }

    private static void Collect(IConfigurationProvider provider, string key, List<string> keys)
    {
        // Configuration keys are case-insensitive in every provider, so "factory:sandbox:allowunsandboxed" counts too.
        if (provider.TryGet(key, out _))
        {
            keys.Add(key);
        }

        foreach (var child in provider.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            Collect(provider, ConfigurationPath.Combine(key, child), keys);
        }
    }
}

/// <summary>A setting (or section) that can weaken Factory's guarantees.</summary>
/// <param name="Key">The configuration key, e.g. <c>Factory:Sandbox</c>.</param>
/// <param name="Decides">What it decides, for the message that refuses it.</param>
public sealed record ProtectedSetting(string Key, string Decides);
