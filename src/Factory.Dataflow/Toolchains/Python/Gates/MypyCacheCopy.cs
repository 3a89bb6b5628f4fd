using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// A run's private copy of a mypy cache snapshot, made in this process (no <c>cp</c> to start per run): the folders made
/// again, every cache file a hard link to the snapshot's, and the few files mypy writes in place copied.
/// </summary>
/// <remarks>
/// Why links are safe (mypy 1.0.1's source, <c>mypy/metastore.py</c> and <c>mypy/build.py</c>): the cache files
/// (<c>*.meta.json</c>, <c>*.data.json</c>, <c>@deps.meta.json</c>, the plugin snapshot) are written by
/// <c>FilesystemMetadataStore.write</c> to a new temporary file that <c>os.replace</c> puts in place (a new inode; its
/// <c>os.utime</c> follows the replace, so it touches the new file too) and removed by <c>os.remove</c>; neither
/// reaches the snapshot's inode. <c>.gitignore</c> and <c>CACHEDIR.TAG</c> are opened with <c>"x"</c>, which never opens
/// an existing file. Two files are written in place, through any link: <c>missing_stubs</c> (<c>open(..., "w")</c>,
/// <c>record_missing_stub_packages</c>) and the SQLite database of <c>--sqlite-cache</c> (<c>cache.db</c> and its
/// journal); those are copied. Links also keep each file's modification time, which mypy compares with the one its
/// meta file recorded (<c>getmtime</c>), as <c>cp -a --link</c> did.
/// </remarks>
internal static class MypyCacheCopy
{
    private static readonly HashSet<string> s_writtenInPlace =
        new(["missing_stubs", "cache.db", "cache.db-journal", "cache.db-wal", "cache.db-shm"], StringComparer.Ordinal);

    /// <summary>Makes <paramref name="destination"/> (which must not exist) a private copy of the snapshot at <paramref name="source"/>.</summary>
    /// <exception cref="IOException">A folder, link or copy could not be made; the message names it.</exception>
    public static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(destination, entry.Name);
            if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                // mypy makes no links; one found is copied as the link it is, as cp -a would.
                File.CreateSymbolicLink(target, entry.LinkTarget!);
            }
            else if (entry is DirectoryInfo folder)
            {
                Copy(folder.FullName, target);
            }
            else if (s_writtenInPlace.Contains(entry.Name))
            {
                File.Copy(entry.FullName, target);
            }
            else
            {
                LibC.HardLink(entry.FullName, target);
            }
        }
    }
}
