namespace Factory.Dataflow.Sandbox;

/// <summary>What enforces a bound that covers the whole sandbox (memory, number of processes, CPU share).</summary>
public enum BoundMechanism
{
    /// <summary>A cgroup v2 group of its own per run: the bound covers every process of the sandbox together.</summary>
    CgroupV2,

    /// <summary>A cgroup v1 group of its own per run (memory, pids and cpu controllers): the bound covers every process together.</summary>
    CgroupV1,

    /// <summary>
    /// A resource limit (setrlimit) per process, when no cgroup can be written: memory is RLIMIT_DATA of each process
    /// (so N processes may use N times the bound), processes are RLIMIT_NPROC of the sandbox's own user id.
    /// </summary>
    ResourceLimit,
}
