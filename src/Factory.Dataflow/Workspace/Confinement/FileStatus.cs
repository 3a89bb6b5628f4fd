namespace Factory.Dataflow.Workspace;

/// <summary>What statx(2) says of one entry (<see cref="LinuxCalls.StatusOf"/>, <see cref="LinuxCalls.Status"/>).</summary>
internal readonly record struct FileStatus(uint LinkCount, uint UserId, uint GroupId, ushort Mode, long Size, ulong Device)
{
    public const uint FileTypeMask = 0xF000;
    public const uint Directory = 0x4000;
    public const uint RegularFile = 0x8000;
    public const uint SymbolicLink = 0xA000;

    /// <summary>The type bits of <see cref="Mode"/>, to compare with <see cref="Directory"/> and the other kinds.</summary>
    public uint FileType => Mode & FileTypeMask;
}
