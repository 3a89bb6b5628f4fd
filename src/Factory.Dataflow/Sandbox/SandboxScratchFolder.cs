using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Sandbox;

/// <summary>
/// A folder for data that must outlive one sandboxed command (TEST's coverage data), to pass as a
/// <see cref="SandboxCommand.WritablePaths"/> entry. When Factory runs as root it is a tmpfs of
/// <see cref="SandboxOptions.ScratchSizeBytes"/> mounted on the host (nosuid, nodev, noexec): bounded, and off the host
/// disk. Otherwise it is a plain temporary folder (<see cref="OnTmpfs"/> is false). Dispose unmounts and deletes it.
/// </summary>
public sealed class SandboxScratchFolder : IDisposable
{
    private bool _disposed;

    private SandboxScratchFolder(string path, bool onTmpfs)
    {
        Path = path;
        OnTmpfs = onTmpfs;
    }

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; }

    /// <summary>True when the folder is a size-bounded tmpfs; false when it is on the host disk, unbounded.</summary>
    public bool OnTmpfs { get; }

    /// <summary>Removes the folder and everything in it (unmounting it first when it is a tmpfs).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (OnTmpfs)
        {
            LibC.Unmount(Path);
        }

        Directory.Delete(Path, recursive: true);
    }

    internal static SandboxScratchFolder Create(bool mountTmpfs, long sizeBytes, ILogger logger)
    {
        var folder = Directory.CreateTempSubdirectory("factory-scratch-").FullName;
        if (!mountTmpfs)
        {
            return new SandboxScratchFolder(folder, onTmpfs: false);
        }

        if (LibC.TryMountTmpfs(folder, sizeBytes, out var error))
        {
            return new SandboxScratchFolder(folder, onTmpfs: true);
        }

        logger.LogWarning(
            "Could not mount a {Size}-byte tmpfs on the sandbox scratch folder {Folder} ({Error}); it stays on the host disk, unbounded.",
            sizeBytes, folder, error);
        return new SandboxScratchFolder(folder, onTmpfs: false);
    }
}
