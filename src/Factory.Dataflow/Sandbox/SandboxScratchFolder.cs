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
    private const string Prefix = "factory-scratch-";
    private const string MountSource = "factory-scratch";
    private static readonly Lazy<int> s_swept = new(SweepStale);
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
        // The pid in the name lets a later Factory remove what a killed one left mounted (see SweepStale).
        if (!mountTmpfs)
        {
            return new SandboxScratchFolder(Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName, onTmpfs: false);
        }

        // Always under /tmp, whatever TMPDIR says: the sandbox never binds the machine's /tmp, so mounting and unmounting
        // these while another sandbox starts cannot break its set-up (see BubblewrapArguments.MachineReadOnly).
        var folder = System.IO.Path.Combine("/tmp", $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);

        _ = s_swept.Value;
        if (LibC.TryMountTmpfs(folder, sizeBytes, out var error))
        {
            return new SandboxScratchFolder(folder, onTmpfs: true);
        }

        logger.LogWarning(
            "Could not mount a {Size}-byte tmpfs on the sandbox scratch folder {Folder} ({Error}); it stays on the host disk, unbounded.",
            sizeBytes, folder, error);
        return new SandboxScratchFolder(folder, onTmpfs: false);
    }

    /// <summary>
    /// A new folder path under /tmp named like a scratch folder (so <see cref="SweepStale"/> removes it once its process is
    /// gone), for a tmpfs the caller mounts there; <paramref name="tag"/> must hold no '-'.
    /// </summary>
    internal static string NewTmpfsFolder(string tag)
    {
        _ = s_swept.Value;
        return System.IO.Path.Combine("/tmp", $"{Prefix}{Environment.ProcessId}-{tag}{Guid.NewGuid():N}");
    }

    /// <summary>
    /// Unmounts and deletes the scratch folders of Factory processes that are gone (killed mid-run, so their Dispose
    /// never ran): a tmpfs stays mounted on the host after its process dies. Once per process; returns how many.
    /// </summary>
    internal static int SweepStale()
    {
        var removed = 0;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "id parent major:minor root mountpoint options ... - tmpfs factory-scratch superoptions"
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 0 || fields.Length < separator + 3 || fields[separator + 1] != "tmpfs" || fields[separator + 2] != MountSource)
            {
                continue;
            }

            var folder = fields[4];
            var owner = System.IO.Path.GetFileName(folder).Split('-');
            if (owner.Length == 4 && int.TryParse(owner[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) &&
                !Directory.Exists($"/proc/{pid}"))
            {
                LibC.Unmount(folder);
                Directory.Delete(folder, recursive: true);
                removed++;
            }
        }

        return removed;
    }
}
