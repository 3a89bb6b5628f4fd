namespace Factory.Dataflow.Sandbox;

/// <summary>
/// The host user and group id one sandbox runs as, held for the run. When Factory runs as root this is an id of the
/// sandbox's own, locked against every other sandbox on the machine until disposed; otherwise it is Factory's own user.
/// </summary>
internal sealed class SandboxIdentity : IDisposable
{
    private readonly FileStream? _lock;

    public SandboxIdentity(uint userId, uint groupId, FileStream? heldLock)
    {
        UserId = userId;
        GroupId = groupId;
        _lock = heldLock;
    }

    public uint UserId { get; }

    public uint GroupId { get; }

    public void Dispose() => _lock?.Dispose();
}
