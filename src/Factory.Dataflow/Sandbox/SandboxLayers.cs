namespace Factory.Dataflow.Sandbox;

/// <summary>
/// What a sandbox enforces on this machine, so callers, traces and tests can see which layers hold (the runner never
/// falls back silently). <see cref="SandboxedRunner.Layers"/> gives the plan; each <see cref="SandboxResult.Layers"/>
/// what held for that run (the user namespace is only known once the launcher has tried).
/// </summary>
/// <param name="Identity">Whose rights the sandboxed process has.</param>
/// <param name="UserNamespace">True when the process runs in a user namespace of its own (mapping only its own id).</param>
/// <param name="Seccomp">True when the seccomp filter refusing mount, namespace, tracing and kernel calls is installed.</param>
/// <param name="Memory">What enforces <see cref="SandboxOptions.MemoryLimitBytes"/>.</param>
/// <param name="Processes">What enforces <see cref="SandboxOptions.MaxProcesses"/>.</param>
/// <param name="ScratchOnTmpfs">
/// True when <see cref="SandboxedRunner.CreateScratchFolder"/> gives a size-bounded tmpfs (RAM, bounded by
/// <see cref="SandboxOptions.ScratchSizeBytes"/>); false when it gives a plain folder on the host disk.
/// </param>
/// <param name="CpuShare">
/// What enforces <see cref="SandboxOptions.CpuCores"/> (a cgroup's CPU bandwidth quota), or null when no quota is set
/// (asked for none, or the machine offers no CPU controller): then a sandbox may keep every core busy until its timeout.
/// </param>
public sealed record SandboxLayers(
    SandboxIdentityMode Identity,
    bool UserNamespace,
    bool Seccomp,
    BoundMechanism Memory,
    BoundMechanism Processes,
    bool ScratchOnTmpfs,
    BoundMechanism? CpuShare = null)
{
    /// <summary>One line for logs and traces, e.g. <c>identity=DroppedFromRoot userns=yes seccomp=yes memory=CgroupV1 ...</c>.</summary>
    public override string ToString() =>
        $"identity={Identity} userns={YesNo(UserNamespace)} seccomp={YesNo(Seccomp)} memory={Memory} processes={Processes} " +
        $"scratch={(ScratchOnTmpfs ? "tmpfs" : "host-disk")} cpu-share={(CpuShare is { } share ? share.ToString() : "none")}";

    private static string YesNo(bool value) => value ? "yes" : "no";
}
