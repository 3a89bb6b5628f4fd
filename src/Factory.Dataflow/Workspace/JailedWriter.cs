using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The only way BUILD and TEST write into a worktree. A batch is checked whole before anything is written, and written
/// whole or not at all: one refused edit refuses the batch, with a reason naming the path.
/// </summary>
internal sealed class JailedWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly string _root;
    private readonly JailPolicy _policy;

    // Files TEST created in earlier attempts: TEST may rewrite its own files, never anything else that exists.
    private readonly HashSet<string> _writtenByTest = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public JailedWriter(string root, JailPolicy policy)
    {
        _root = RealPath.Resolve(Path.GetFullPath(root));
        _policy = policy;
    }

    public WriteReport Write(IReadOnlyList<FileEdit> edits, WriterRole role)
    {
        ArgumentNullException.ThrowIfNull(edits);

        // One batch at a time per worktree, so two checks cannot both pass and then interleave their writes.
        lock (_gate)
        {
            if (edits.Count == 0)
            {
                return WriteReport.Refused("The batch is empty: there is nothing to write.");
            }

            if (edits.Count > _policy.MaxFiles)
            {
                return WriteReport.Refused($"The batch has {edits.Count} files; at most {_policy.MaxFiles} may be written at once.");
            }

            var planned = new List<(string Relative, string Full, byte[] Bytes)>(edits.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var edit in edits)
            {
                if (edit is null || edit.Path is null || edit.Content is null)
                {
                    return WriteReport.Refused("An edit has no path or no content.");
                }

                if (Check(edit, role) is { } refusal)
                {
                    return WriteReport.Refused(refusal);
                }

                var relative = Normalize(edit.Path);
                if (!seen.Add(relative))
                {
                    return WriteReport.Refused($"'{edit.Path}' appears more than once in the batch.");
                }

                planned.Add((relative, Path.Combine(_root, relative), s_utf8.GetBytes(edit.Content)));
            }

            WriteAll(planned);
            if (role == WriterRole.Test)
            {
                _writtenByTest.UnionWith(planned.Select(p => p.Relative));
            }

            return WriteReport.Written(planned.Select(p => p.Relative).ToArray());
        }
    }

    private string? Check(FileEdit edit, WriterRole role)
    {
        var path = edit.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            return "An edit has an empty path.";
        }

        var control = path.FirstOrDefault(char.IsControl);
        if (control != default || path.Contains('\0', StringComparison.Ordinal))
        {
            return $"'{Printable(path)}' contains the control character U+{(int)control:X4}.";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return $"'{path}' contains a backslash; use '/' between folders.";
        }

        if (path.StartsWith('/') || path.StartsWith('~') || Path.IsPathRooted(path))
        {
            return $"'{path}' is an absolute path; paths must be relative to the repository root.";
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
        {
            return $"'{path}' uses '..'; paths may not leave the repository.";
        }

        if (segments.Length == 0)
        {
            return $"'{path}' names the repository root, not a file.";
        }

        if (segments.Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            return $"'{path}' is git's own data (.git); it may not be written.";
        }

        var byteCount = s_utf8.GetByteCount(edit.Content);
        if (byteCount > _policy.MaxFileBytes)
        {
            return $"'{path}' is {byteCount} bytes; a file may be at most {_policy.MaxFileBytes} bytes.";
        }

        var relative = string.Join('/', segments);
        var full = Path.Combine(_root, relative);
        if (CheckFileSystem(relative, full) is { } fileSystemProblem)
        {
            return fileSystemProblem;
        }

        return role switch
        {
            WriterRole.Build => CheckBuild(relative, full),
            WriterRole.Test => CheckTest(relative, full),
            _ => $"Unknown writer role {role}.",
        };
    }

    private string? CheckFileSystem(string relative, string full)
    {
        if (new FileInfo(full).LinkTarget is not null)
        {
            return $"'{relative}' is a symbolic link; links are not written through.";
        }

        // Every existing folder on the way must resolve inside the worktree: a link committed to the repository
        // (app/link -> /etc) or created by code under test must not carry a write outside it.
        var parent = Path.GetDirectoryName(full)!;
        var resolved = RealPath.Resolve(parent);
        if (!RealPath.IsInside(resolved, _root))
        {
            return $"'{relative}' resolves through a symbolic link to {resolved}, outside the worktree.";
        }

        if (Directory.Exists(full))
        {
            return $"'{relative}' is a folder, not a file.";
        }

        for (var folder = parent; folder.Length > _root.Length; folder = Path.GetDirectoryName(folder)!)
        {
            if (File.Exists(folder))
            {
                return $"'{relative}' is inside '{Path.GetRelativePath(_root, folder)}', which is a file, not a folder.";
            }
        }

        return null;
    }

    private string? CheckBuild(string relative, string full)
    {
        if (_policy.IsProtected(relative))
        {
            return $"'{relative}' is gate configuration; BUILD may not change what judges it.";
        }

        if (_policy.IsUnderTestFolder(relative) && File.Exists(full))
        {
            return $"'{relative}' is an existing test; BUILD may not modify tests (change the code, not the test).";
        }

        return null;
    }

    private string? CheckTest(string relative, string full)
    {
        if (!_policy.IsUnderTestFolder(relative))
        {
            return $"'{relative}' is outside the test folders ({string.Join(", ", _policy.TestFolders.Select(f => f + "/"))}); TEST may only add test files there.";
        }

        if (_policy.IsProtected(relative))
        {
            return $"'{relative}' is gate configuration; TEST may not write it.";
        }

        if (!JailPolicy.IsTestFileName(relative))
        {
            return $"'{relative}' is not a test file name (test_*.py or *_test.py).";
        }

        if (File.Exists(full) && !_writtenByTest.Contains(relative))
        {
            return $"'{relative}' already exists; TEST may only add new test files, never change existing ones.";
        }

        return null;
    }

    private static void WriteAll(List<(string Relative, string Full, byte[] Bytes)> planned)
    {
        var originals = new List<(string Full, byte[]? Bytes)>();
        var createdFolders = new List<string>();
        try
        {
            foreach (var (_, full, bytes) in planned)
            {
                originals.Add((full, File.Exists(full) ? File.ReadAllBytes(full) : null));
                CreateFolders(Path.GetDirectoryName(full)!, createdFolders);

                // Write beside the target, then rename over it: a reader never sees half a file.
                var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".factory-write-{Guid.NewGuid():N}.tmp");
                File.WriteAllBytes(temporary, bytes);
                File.Move(temporary, full, overwrite: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // All or nothing: put back what this batch changed, then report the failure.
            for (var i = originals.Count - 1; i >= 0; i--)
            {
                var (full, bytes) = originals[i];
                if (bytes is null)
                {
                    File.Delete(full);
                }
                else
                {
                    File.WriteAllBytes(full, bytes);
                }
            }

            for (var i = createdFolders.Count - 1; i >= 0; i--)
            {
                Directory.Delete(createdFolders[i]);
            }

            throw;
        }
    }

    private static void CreateFolders(string folder, List<string> created)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        CreateFolders(Path.GetDirectoryName(folder)!, created);
        Directory.CreateDirectory(folder);
        created.Add(folder);
    }

    private static string Normalize(string path) =>
        string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."));

    private static string Printable(string path) =>
        new(path.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
