namespace Factory.Dataflow.Workspace;

/// <summary>What a path beneath a worktree root is, as the kernel resolved it.</summary>
/// <param name="Kind">A file, a folder, something else (device, FIFO, socket), or missing.</param>
/// <param name="Path">The resolved path relative to the root, every link followed ("" for the root); for a missing path, the path as asked.</param>
/// <param name="Size">The size in bytes (0 when missing).</param>
/// <param name="Permissions">The permission bits (0755, 0644, ...; 0 when missing).</param>
internal sealed record ConfinedEntry(EntryKind Kind, string Path, long Size, uint Permissions)
{
    public static ConfinedEntry Missing(string path) => new(EntryKind.Missing, path, 0, 0);
}
