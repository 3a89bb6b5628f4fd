namespace Factory.Dataflow.Sandbox;

/// <summary>Whose rights the sandboxed process has on the host.</summary>
public enum SandboxIdentityMode
{
    /// <summary>
    /// Factory runs as root: bubblewrap builds the sandbox as root, then the launcher inside drops to a user id of its
    /// own (one per run, from <see cref="SandboxOptions.SandboxUserIdStart"/>) with no groups, no capabilities, an
    /// empty bounding set and no_new_privs before the tool starts. Root's files are not the sandbox's files.
    /// </summary>
    DroppedFromRoot,

    /// <summary>
    /// Factory runs as an ordinary user: bubblewrap runs unprivileged in a user namespace of its own, so the tool has
    /// that user's rights on the host and no capabilities.
    /// </summary>
    UnprivilegedUser,
}
