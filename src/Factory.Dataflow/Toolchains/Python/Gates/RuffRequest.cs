using System.Text.Json;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// One request to the served ruff (tools/ruff/bin/ruff.js <c>--serve</c>): the command's arguments and working folder,
/// and the file tree the command would see there in the sandbox: every folder and file name below the folder, the bytes
/// of the files ruff reads (Python sources, ruff.toml, .ruff.toml, pyproject.toml; not below a <c>.git</c> folder, which
/// is listed but opaque), and which settings files exist in
/// the folders above it as the sandbox shows them. Files are read by the kernel beneath the folder (no link followed).
/// Null when the tree is not one the served ruff can stand in for — a link (ruff would follow it), a file or folder the
/// sandbox's user could not read, a settings name that is a folder, or more than the bounds — and ruff then runs as a
/// fresh process, as before.
/// </summary>
internal static class RuffRequest
{
    private static readonly string[] s_settingsNames = ["ruff.toml", ".ruff.toml", "pyproject.toml"];

    // The folders the sandbox empties (BubblewrapArguments): settings files in them are not visible to ruff there.
    private static readonly string[] s_hiddenInSandbox = ["/tmp", "/dev/shm", "/root", "/home"];

    private const UnixFileMode OthersReadFile = UnixFileMode.OtherRead;
    private const UnixFileMode OthersReadFolder = UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The request as one line of JSON (no newline), or null when it must run the ordinary way.</summary>
    public static byte[]? Build(string workingDirectory, IReadOnlyList<string> arguments, long maxBytes, int maxEntries)
    {
        var root = Path.GetFullPath(workingDirectory).TrimEnd('/');
        if (root.Length == 0 || !Traversable(root))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("cwd", root);
            json.WriteStartArray("argv");
            foreach (var argument in arguments)
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            var dirs = new List<string> { root };
            var opaque = new List<string>();
            json.WriteStartObject("files");
            if (!WriteTree(json, root, dirs, opaque, maxBytes, maxEntries, buffer) || !WriteAncestorSettings(json, root, out var answered))
            {
                return null;
            }

            json.WriteEndObject();
            json.WriteStartArray("dirs");
            foreach (var folder in dirs)
            {
                json.WriteStringValue(folder);
            }

            json.WriteEndArray();
            json.WriteStartArray("opaque");
            foreach (var folder in opaque)
            {
                json.WriteStringValue(folder);
            }

            json.WriteEndArray();
            json.WriteStartArray("answered");
            foreach (var path in answered)
            {
                json.WriteStringValue(path);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.Length > maxBytes ? null : buffer.ToArray();
    }

    private static bool WriteTree(Utf8JsonWriter json, string root, List<string> dirs, List<string> opaque, long maxBytes, int maxEntries, MemoryStream written)
    {
        using var confined = ConfinedRoot.Open(root);
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(root)]);
        var entries = 0;
        while (pending.TryPop(out var folder))
        {
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                if (++entries > maxEntries || entry.LinkTarget is not null)
                {
                    return false;
                }

                if (entry is DirectoryInfo child)
                {
                    if ((child.UnixFileMode & OthersReadFolder) != OthersReadFolder || s_settingsNames.Contains(child.Name))
                    {
                        return false;
                    }

                    dirs.Add(child.FullName);
                    if (child.Name == ".git")
                    {
                        // git's own data: ruff never lints it unless told to; if it is, the ordinary way does it.
                        opaque.Add(child.FullName);
                    }
                    else
                    {
                        pending.Push(child);
                    }

                    continue;
                }

                if ((entry.UnixFileMode & OthersReadFile) != OthersReadFile)
                {
                    return false;
                }

                var relative = Path.GetRelativePath(root, entry.FullName);
                if (!IsRead(entry.Name) || relative.Split('/').Contains(".git"))
                {
                    json.WriteNull(entry.FullName); // It exists; the command never reads it.
                    continue;
                }

                if (((FileInfo)entry).Length > maxBytes)
                {
                    return false;
                }

                var (handle, _) = confined.OpenRead(relative);
                using (handle)
                {
                    using var stream = new FileStream(handle, FileAccess.Read);
                    using var bytes = new MemoryStream();
                    stream.CopyTo(bytes);
                    json.WriteBase64String(entry.FullName, bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
                }

                json.Flush();
                if (written.Length > maxBytes)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>ruff looks for its settings in every folder above the working one: what it would find there in the sandbox.</summary>
    private static bool WriteAncestorSettings(Utf8JsonWriter json, string root, out List<string> answered)
    {
        answered = [];
        for (var folder = Path.GetDirectoryName(root); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            var hidden = s_hiddenInSandbox.Any(h => folder == h || folder.StartsWith(h + "/", StringComparison.Ordinal));
            foreach (var name in s_settingsNames)
            {
                var path = Path.Combine(folder, name);
                answered.Add(path);
                if (hidden)
                {
                    continue;
                }

                if (Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
                {
                    return false;
                }

                if (File.Exists(path))
                {
                    if ((new FileInfo(path).UnixFileMode & OthersReadFile) != OthersReadFile)
                    {
                        return false;
                    }

                    json.WriteBase64String(path, File.ReadAllBytes(path));
                }
            }
        }

        return true;
    }

    private static bool IsRead(string name) =>
        name.EndsWith(".py", StringComparison.Ordinal) || name.EndsWith(".pyi", StringComparison.Ordinal) || s_settingsNames.Contains(name);

    /// <summary>
    /// The sandbox's user must be able to enter the folder, as ruff run there must: the folder itself, and the folders
    /// above it that the sandbox shows as they are (it makes those below /tmp, /root and /home itself, traversable).
    /// </summary>
    private static bool Traversable(string root)
    {
        for (var folder = root; folder is not null && folder != "/"; folder = Path.GetDirectoryName(folder))
        {
            var remade = folder != root && s_hiddenInSandbox.Any(h => folder == h || folder.StartsWith(h + "/", StringComparison.Ordinal));
            var info = new DirectoryInfo(folder);
            if (!info.Exists || info.LinkTarget is not null || (!remade && (info.UnixFileMode & UnixFileMode.OtherExecute) == 0))
            {
                return false;
            }
        }

        return true;
    }
}
