using Microsoft.Extensions.Configuration;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>
/// Binds a <c>Factory</c> section onto <see cref="FactoryOptions"/>. The model settings sit at the section's root (that
/// is where <see cref="Chat.ModelOptions"/> has always been read from), so the binding is spelled out here.
/// </summary>
internal static class FactoryOptionsBinding
{
    public static void Bind(IConfiguration section, FactoryOptions options)
    {
        section.Bind(options.Models);
        section.GetSection("Pipeline").Bind(options.Pipeline);
        section.GetSection("Workspace").Bind(options.Workspace);
        section.GetSection("Gates").Bind(options.Gates);
        BindSandbox(section.GetSection("Sandbox"), options);
        if (section["ReplayCassette"] is { Length: > 0 } cassette)
        {
            options.ReplayCassette = cassette;
        }
    }

    private static void BindSandbox(IConfigurationSection section, FactoryOptions options)
    {
        // AllowedExecutables is a get-only list with defaults, which the binder would append to; each value is read
        // here instead, and a configured list replaces the defaults.
        var sandbox = options.Sandbox;
        sandbox.BubblewrapPath = section.GetValue(nameof(sandbox.BubblewrapPath), sandbox.BubblewrapPath)!;
        sandbox.AllowUnsandboxed = section.GetValue(nameof(sandbox.AllowUnsandboxed), sandbox.AllowUnsandboxed);
        sandbox.SearchPath = section.GetValue(nameof(sandbox.SearchPath), sandbox.SearchPath)!;
        sandbox.DefaultTimeout = section.GetValue(nameof(sandbox.DefaultTimeout), sandbox.DefaultTimeout);
        sandbox.MaxOutputChars = section.GetValue(nameof(sandbox.MaxOutputChars), sandbox.MaxOutputChars);
        sandbox.MemoryLimitBytes = section.GetValue(nameof(sandbox.MemoryLimitBytes), sandbox.MemoryLimitBytes);
        sandbox.MaxProcesses = section.GetValue(nameof(sandbox.MaxProcesses), sandbox.MaxProcesses);
        sandbox.CpuTimeLimit = section.GetValue(nameof(sandbox.CpuTimeLimit), sandbox.CpuTimeLimit);
        sandbox.CpuCores = section.GetValue(nameof(sandbox.CpuCores), sandbox.CpuCores);
        sandbox.MaxFileSizeBytes = section.GetValue(nameof(sandbox.MaxFileSizeBytes), sandbox.MaxFileSizeBytes);
        sandbox.MaxOpenFiles = section.GetValue(nameof(sandbox.MaxOpenFiles), sandbox.MaxOpenFiles);
        sandbox.TmpSizeBytes = section.GetValue(nameof(sandbox.TmpSizeBytes), sandbox.TmpSizeBytes);
        sandbox.ScratchSizeBytes = section.GetValue(nameof(sandbox.ScratchSizeBytes), sandbox.ScratchSizeBytes);
        sandbox.SandboxUserIdStart = section.GetValue(nameof(sandbox.SandboxUserIdStart), sandbox.SandboxUserIdStart);
        sandbox.SandboxUserIdCount = section.GetValue(nameof(sandbox.SandboxUserIdCount), sandbox.SandboxUserIdCount);
        sandbox.UserNamespace = section.GetValue(nameof(sandbox.UserNamespace), sandbox.UserNamespace);
        sandbox.Seccomp = section.GetValue(nameof(sandbox.Seccomp), sandbox.Seccomp);
        sandbox.Cgroups = section.GetValue(nameof(sandbox.Cgroups), sandbox.Cgroups);
        sandbox.LauncherInterpreter = section.GetValue(nameof(sandbox.LauncherInterpreter), sandbox.LauncherInterpreter)!;
        if (section.GetSection(nameof(sandbox.AllowedExecutables)).Get<string[]>() is { Length: > 0 } allowed)
        {
            sandbox.AllowedExecutables.Clear();
            foreach (var executable in allowed)
            {
                sandbox.AllowedExecutables.Add(executable);
            }
        }
    }
}
