using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The jailed writer's file operations, each relative to a folder descriptor opened beneath the root with no link in
/// any component, so a write lands exactly in the folder that was judged even if a link appears there meanwhile.
/// </summary>
internal static class ConfinedWrites
{
    private const int RemoveFolder = 0x200; // AT_REMOVEDIR
    private const ulong NoLinks = LinuxCalls.ResolveBeneath | LinuxCalls.ResolveNoMagicLinks | LinuxCalls.ResolveNoSymlinks;

    /// <summary>Writes <paramref name="bytes"/> beside the target and renames it over it: a reader never sees half a file.</summary>
    public static void WriteFile(ConfinedRoot root, string folder, string name, ReadOnlySpan<byte> bytes, uint permissions)
    {
        using var parent = root.OpenFolder(folder, noLinks: true);
        var temporary = $".factory-write-{Guid.NewGuid():N}.tmp";
        var fd = LinuxCalls.Openat2(
            parent.DangerousGetHandle().ToInt32(), temporary,
            LinuxCalls.WriteOnly | LinuxCalls.Create | LinuxCalls.Exclusive | LinuxCalls.CloseOnExec, 0x180, NoLinks);
        if (fd < 0)
        {
            throw LinuxCalls.Failure($"creating {Join(folder, temporary)}", Marshal.GetLastPInvokeError());
        }

        try
        {
            using (var file = new SafeFileHandle(fd, ownsHandle: true))
            {
                RandomAccess.Write(file, bytes, 0);

                // fchmod, not the umask: an edited 0755 file stays 0755.
                if (LinuxCalls.Fchmod(file, permissions) != 0)
                {
                    throw LinuxCalls.Failure($"setting the mode of {Join(folder, name)}", Marshal.GetLastPInvokeError());
                }
            }

            if (LinuxCalls.Renameat(parent, temporary, parent, name) != 0)
            {
                throw LinuxCalls.Failure($"renaming onto {Join(folder, name)}", Marshal.GetLastPInvokeError());
            }
        }
        catch
        {
            _ = LinuxCalls.Unlinkat(parent, temporary, 0);
            throw;
        }
    }

    /// <summary>Gives the file a second name in its folder (a hard link: nothing is copied), to put it back from if a batch fails.</summary>
    public static string KeepAside(ConfinedRoot root, string folder, string name)
    {
        using var parent = root.OpenFolder(folder, noLinks: true);
        var kept = $".factory-keep-{Guid.NewGuid():N}.tmp";
        if (LinuxCalls.Linkat(parent, name, parent, kept, 0) != 0)
        {
            throw LinuxCalls.Failure($"keeping {Join(folder, name)} aside", Marshal.GetLastPInvokeError());
        }

        return kept;
    }

    /// <summary>Renames <paramref name="from"/> onto <paramref name="to"/> in one folder.</summary>
    public static void Rename(ConfinedRoot root, string folder, string from, string to)
    {
        using var parent = root.OpenFolder(folder, noLinks: true);
        if (LinuxCalls.Renameat(parent, from, parent, to) != 0)
        {
            throw LinuxCalls.Failure($"renaming {Join(folder, from)} onto {Join(folder, to)}", Marshal.GetLastPInvokeError());
        }
    }

    public static void CreateFolder(ConfinedRoot root, string folder, string name)
    {
        using var parent = root.OpenFolder(folder, noLinks: true);
        if (LinuxCalls.Mkdirat(parent, name, 0x1ED) != 0) // 0755
        {
            throw LinuxCalls.Failure($"creating the folder {Join(folder, name)}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Removes a file or an empty folder; one already gone is not an error.</summary>
    public static void Remove(ConfinedRoot root, string folder, string name, bool isFolder)
    {
        using var parent = root.OpenFolder(folder, noLinks: true);
        if (LinuxCalls.Unlinkat(parent, name, isFolder ? RemoveFolder : 0) != 0 && Marshal.GetLastPInvokeError() != LinuxCalls.ENOENT)
        {
            throw LinuxCalls.Failure($"removing {Join(folder, name)}", Marshal.GetLastPInvokeError());
        }
    }

    public static string Join(string folder, string name) => folder.Length == 0 ? name : folder + "/" + name;
}
