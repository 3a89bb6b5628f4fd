using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The command line of <c>sandbox_launcher.py</c> (embedded in this assembly), which bubblewrap starts in place of the
/// tool: it drops to the sandbox's identity, sets the bounds, installs the seccomp filter, verifies all of it and
/// execs the tool. Also reads back the one line it writes just before that exec.
/// </summary>
internal static class SandboxLauncher
{
    /// <summary>The launcher's exit code when the sandbox could not be set up (the tool never started).</summary>
    public const int SetupFailed = 125;

    private const string ReadyPrefix = "\u001efactory-sandbox ";
    private static readonly Lazy<string> s_script = new(() => ReadResource("sandbox_launcher.py"));
    private static readonly Lazy<string> s_forkServer = new(() => ReadResource("sandbox_fork_server.py"));

    /// <summary>The launcher's source (the fork server loads it for its functions).</summary>
    public static string Source => s_script.Value;

    /// <summary>The fork server's source (<c>sandbox_fork_server.py</c>).</summary>
    public static string ForkServerSource => s_forkServer.Value;

    /// <summary>What the launcher is told to do for one run.</summary>
    /// <param name="Identity">The host ids to drop to (Factory is root), or null when bubblewrap already runs as the user.</param>
    /// <param name="UserNamespace">Whether the launcher makes a user namespace after dropping (root only).</param>
    /// <param name="ResourceLimits">setrlimit name to (soft, hard); -1 is unlimited.</param>
    /// <param name="Seccomp">The BPF program, or null for none.</param>
    /// <param name="WorkingDirectory">The folder the tool starts in (entered as the sandbox's identity).</param>
    /// <param name="Writable">Paths the sandbox's identity must be able to write (checked before the tool starts).</param>
    public sealed record Plan(
        string WorkingDirectory,
        (uint UserId, uint GroupId)? Identity,
        SandboxRequirement UserNamespace,
        IReadOnlyDictionary<string, (long Soft, long Hard)> ResourceLimits,
        byte[]? Seccomp,
        IReadOnlyList<string> Writable);

    /// <summary>What the launcher reported as holding, from the first line of stderr.</summary>
    public sealed record Report(uint UserId, bool UserNamespace, bool Seccomp);

    /// <summary><c>python -I -S -c script plan tool args...</c>: what bubblewrap runs after <c>--</c>.</summary>
    public static IReadOnlyList<string> CommandLine(string interpreter, Plan plan, string executable, IReadOnlyList<string> arguments) =>
        [interpreter, "-I", "-S", "-c", s_script.Value, PlanDocument(plan).ToJsonString(), executable, .. arguments];

    /// <summary>
    /// The plan as the launcher reads it; the fork server reads the same fields of each run's request, since its children
    /// take the launcher's steps.
    /// </summary>
    public static JsonObject PlanDocument(Plan plan)
    {
        var limits = new JsonObject();
        foreach (var (name, (soft, hard)) in plan.ResourceLimits)
        {
            limits[name] = new JsonArray(soft, hard);
        }

        return new JsonObject
        {
            ["identity"] = plan.Identity is { } id ? new JsonObject { ["uid"] = id.UserId, ["gid"] = id.GroupId } : null,
            ["userNamespace"] = plan.UserNamespace.ToString(),
            ["userNamespaceMadeByBubblewrap"] = plan.Identity is null,
            ["limits"] = limits,
            ["seccomp"] = plan.Seccomp is null ? null : Convert.ToHexString(plan.Seccomp),
            ["workingDirectory"] = plan.WorkingDirectory,
            ["writable"] = new JsonArray([.. plan.Writable.Select(p => JsonValue.Create(p))]),
        };
    }

    /// <summary>Takes the launcher's line off the front of <paramref name="standardError"/>; null report when it is absent.</summary>
    public static (Report? Report, string Remaining) TakeReport(string standardError)
    {
        if (!standardError.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            return (null, standardError);
        }

        var end = standardError.IndexOf('\n', StringComparison.Ordinal);
        return (ParseReport(standardError[ReadyPrefix.Length..end]), standardError[(end + 1)..]);
    }

    /// <summary>The report's JSON (the launcher's line, or a warm run's report file); null when a field is missing.</summary>
    /// <exception cref="System.Text.Json.JsonException">It is not JSON.</exception>
    public static Report? ParseReport(string json) =>
        JsonNode.Parse(json) is JsonObject report &&
        report["uid"] is JsonValue uid && report["userNamespace"] is JsonValue userNamespace && report["seccomp"] is JsonValue seccomp
            ? new Report(uid.GetValue<uint>(), userNamespace.GetValue<bool>(), seccomp.GetValue<bool>())
            : null;

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Factory.Dataflow.Sandbox." + name)
            ?? throw new InvalidOperationException($"The sandbox's {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
