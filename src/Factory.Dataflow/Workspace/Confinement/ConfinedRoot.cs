using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// A worktree's root folder, held open, under which the kernel resolves every path: openat2(2) with
/// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS follows links that stay inside the worktree and refuses, atomically, any
/// component that would leave it (an absolute link, a link through /proc/self, '..' above the root after a link).
/// Path text is never trusted to say where a file is: the resolved path is read back from the open descriptor.
/// </summary>
internal sealed class ConfinedRoot : IDisposable
{
    private const ulong Confined = LinuxCalls.ResolveBeneath | LinuxCalls.ResolveNoMagicLinks;

    private ConfinedRoot(SafeFileHandle handle, string realPath)
    {
        Handle = handle;
        RealPath = realPath;
    }

    /// <summary>The root's descriptor (O_PATH).</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The root as the kernel resolved it.</summary>
    public string RealPath { get; }

    /// <summary>Opens <paramref name="root"/>, which must be a folder.</summary>
    /// <exception cref="IOException">It cannot be opened or is not a folder.</exception>
    public static ConfinedRoot Open(string root)
    {
        var fd = LinuxCalls.Openat2(LinuxCalls.AtFdCwd, root, LinuxCalls.PathOnly | LinuxCalls.CloseOnExec, 0, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == LinuxCalls.ENOSYS
                ? new IOException("openat2(2) is not available: Factory needs Linux 5.6 or later, and a container's seccomp profile that allows it.")
                : new IOException($"The worktree {root} cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if ((LinuxCalls.Status(handle).Mode & FileStatus.FileTypeMask) != FileStatus.Directory)
        {
            handle.Dispose();
            throw new IOException($"The worktree {root} is not a folder.");
        }

        return new ConfinedRoot(handle, PathOf(handle));
    }

    /// <summary>
    /// Finds <paramref name="relative"/> beneath the root without opening it for reading or writing: what it is and
    /// where it really is. A missing path is <see cref="EntryKind.Missing"/>; a path that would leave the root is refused.
    /// </summary>
    /// <param name="relative">A relative path; its text has been checked (not absolute, no NUL).</param>
    /// <param name="followLastLink">False to refuse a link in the last component (the writer never writes through one).</param>
    /// <exception cref="ConfinedPathException">The kernel refused the path; the message says why.</exception>
    public ConfinedEntry Find(string relative, bool followLastLink = true)
    {
        var fd = LinuxCalls.Openat2(
            Handle.DangerousGetHandle().ToInt32(), relative.Length == 0 ? "." : relative, LinuxCalls.PathOnly | LinuxCalls.CloseOnExec, 0, Confined);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LinuxCalls.ENOENT)
            {
                return ConfinedEntry.Missing(relative);
            }

            throw Refusal(relative, errno);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var (mode, size) = LinuxCalls.Status(handle);
            var resolved = RelativeOf(PathOf(handle), relative);
            if (!followLastLink && IsLink(relative))
            {
                throw new ConfinedPathException($"'{relative}' is a symbolic link; links are not written through.");
            }

            var kind = (mode & FileStatus.FileTypeMask) switch
            {
                FileStatus.Directory => EntryKind.Folder,
                FileStatus.RegularFile => EntryKind.File,
                _ => EntryKind.Other,
            };
            return new ConfinedEntry(kind, resolved, size, mode & 0xFFF);
        }
        finally
        {
            handle.Dispose();
        }
    }

    /// <summary>
    /// Opens a regular file beneath the root for reading. Folders, devices, FIFOs and sockets are refused before
    /// anything is read, and the file is opened non-blocking, so neither the open nor a read can wait forever.
    /// </summary>
    /// <exception cref="ConfinedPathException">Refused, missing or not a regular file; the message says which.</exception>
    public (SafeFileHandle Handle, ConfinedEntry Entry) OpenRead(string relative)
    {
        var entry = Find(relative);
        switch (entry.Kind)
        {
            case EntryKind.Missing:
                throw new ConfinedPathException($"'{relative}' does not exist.");
            case EntryKind.Folder:
                throw new ConfinedPathException($"'{relative}' is a folder, not a file.");
            case EntryKind.Other:
                throw new ConfinedPathException($"'{relative}' is not a regular file (a device, FIFO or socket); it is not read.");
        }

        var fd = LinuxCalls.Openat2(
            Handle.DangerousGetHandle().ToInt32(), entry.Path,
            LinuxCalls.ReadOnly | LinuxCalls.NonBlocking | LinuxCalls.NoControllingTerminal | LinuxCalls.CloseOnExec, 0, Confined);
        if (fd < 0)
        {
            throw Refusal(relative, Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);

        // Checked again on what was opened: the file may have been swapped between the two opens.
        var (mode, size) = LinuxCalls.Status(handle);
        if ((mode & FileStatus.FileTypeMask) != FileStatus.RegularFile)
        {
            handle.Dispose();
            throw new ConfinedPathException($"'{relative}' is not a regular file; it is not read.");
        }

        return (handle, entry with { Size = size });
    }

    /// <summary>Opens a folder beneath the root as a descriptor that later calls act relative to.</summary>
    /// <param name="relative">The folder, relative to the root ("" for the root).</param>
    /// <param name="noLinks">True to refuse a link in any component (for a resolved path, which has none).</param>
    public SafeFileHandle OpenFolder(string relative, bool noLinks = false)
    {
        var fd = LinuxCalls.Openat2(
            Handle.DangerousGetHandle().ToInt32(), relative.Length == 0 ? "." : relative, LinuxCalls.PathOnly | LinuxCalls.CloseOnExec, 0,
            noLinks ? Confined | LinuxCalls.ResolveNoSymlinks : Confined);
        if (fd < 0)
        {
            throw Refusal(relative, Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if ((LinuxCalls.Status(handle).Mode & FileStatus.FileTypeMask) != FileStatus.Directory)
        {
            handle.Dispose();
            throw new ConfinedPathException($"'{relative}' is not a folder.");
        }

        return handle;
    }

    public void Dispose() => Handle.Dispose();

    /// <summary>True when the last component of <paramref name="relative"/> is itself a symbolic link (dangling or not).</summary>
    public bool IsLink(string relative)
    {
        var slash = relative.LastIndexOf('/');
        using var parent = OpenFolder(slash < 0 ? "" : relative[..slash]);
        var fd = LinuxCalls.Openat2(
            parent.DangerousGetHandle().ToInt32(), relative[(slash + 1)..], LinuxCalls.PathOnly | LinuxCalls.CloseOnExec, 0,
            Confined | LinuxCalls.ResolveNoSymlinks);
        if (fd >= 0)
        {
            new SafeFileHandle(fd, ownsHandle: true).Dispose();
            return false;
        }

        return Marshal.GetLastPInvokeError() == LinuxCalls.ELOOP;
    }

    private string RelativeOf(string real, string requested)
    {
        if (real == RealPath)
        {
            return "";
        }

        if (!real.StartsWith(RealPath + "/", StringComparison.Ordinal))
        {
            // Cannot happen under RESOLVE_BENEATH; refusing keeps the promise even if it did.
            throw new ConfinedPathException($"'{requested}' resolves to {real}, outside the worktree.");
        }

        return real[(RealPath.Length + 1)..];
    }

    private static string PathOf(SafeFileHandle handle)
    {
        // The kernel's own name for what the descriptor refers to: the resolved path, every link followed.
        var link = $"/proc/self/fd/{handle.DangerousGetHandle().ToInt32()}";
        return new FileInfo(link).LinkTarget ?? throw new IOException($"{link} could not be read; is /proc mounted?");
    }

    private static ConfinedPathException Refusal(string relative, int errno) => errno switch
    {
        LinuxCalls.EXDEV => new($"'{relative}' leads outside the worktree (through a link or '..'); it is refused."),
        LinuxCalls.ELOOP => new($"'{relative}' goes through too many links, or through a link that is not allowed here."),
        LinuxCalls.ENOTDIR => new($"A part of '{relative}' is a file, not a folder."),
        LinuxCalls.ENAMETOOLONG => new($"'{relative}' is too long."),
        LinuxCalls.EAGAIN => new($"'{relative}' changed while it was being resolved; try again."),
        _ => new($"'{relative}' cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}."),
    };
}
