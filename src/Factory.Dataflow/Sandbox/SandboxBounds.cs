namespace Factory.Dataflow.Sandbox;

/// <summary>The bounds a sandboxed command ran into, as far as the runner can tell from outside.</summary>
[Flags]
public enum SandboxBounds
{
    /// <summary>No bound was seen to be reached.</summary>
    None = 0,

    /// <summary>The memory bound: the kernel's out-of-memory killer ended a process of the sandbox (cgroups only).</summary>
    Memory = 1,

    /// <summary>The process bound: a fork or thread creation was refused (cgroups only).</summary>
    Processes = 2,

    /// <summary>The CPU time bound: the command was ended by SIGXCPU.</summary>
    CpuTime = 4,

    /// <summary>The file size bound: the command was ended by SIGXFSZ (Python ignores it and gets EFBIG instead).</summary>
    FileSize = 8,
}
