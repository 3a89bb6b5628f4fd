using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The only way BUILD and TEST write into a worktree. A batch is checked whole before anything is written, and written
/// whole or not at all: one refused edit refuses the batch, with a reason naming the path. Every path is resolved by
/// the kernel beneath the worktree (<see cref="ConfinedRoot"/>), and the rules are applied to where it really leads as
/// well as to what was asked: a link into the tests folder counts as the tests folder.
/// </summary>
internal sealed class JailedWriter
{
    private const uint NewFilePermissions = 0x1A4; // 0644
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly string _root;
    private readonly JailPolicy _policy;

    // Files TEST created in earlier attempts: TEST may rewrite its own files, never anything else that exists.
    private readonly HashSet<string> _writtenByTest = new(StringComparer.Ordinal);

    // Every file this writer wrote (resolved paths): the change, as the candidate tree commits it.
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public JailedWriter(string root, JailPolicy policy)
    {
        _root = RealPath.Resolve(Path.GetFullPath(root));
        _policy = policy;
    }

    /// <summary>The resolved paths of every file written so far.</summary>
    public IReadOnlyCollection<string> Written
    {
        get
        {
            lock (_gate)
            {
                return _written.ToHashSet(StringComparer.Ordinal);
            }
        }
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

            using var root = ConfinedRoot.Open(_root);
            var planned = new List<PlannedWrite>(edits.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var edit in edits)
            {
                if (edit is null || edit.Path is null || edit.Content is null)
                {
                    return WriteReport.Refused("An edit has no path or no content.");
                }

                var plan = Plan(root, edit, role, out var refusal);
                if (plan is null)
                {
                    return WriteReport.Refused(refusal!);
                }

                if (!seen.Add(plan.Path))
                {
                    return WriteReport.Refused($"'{edit.Path}' appears more than once in the batch (it is {plan.Path}).");
                }

                planned.Add(plan);
            }

            WriteAll(root, planned);
            var written = planned.Select(p => p.Path).ToArray();
            _written.UnionWith(written);
            if (role == WriterRole.Test)
            {
                _writtenByTest.UnionWith(written);
            }

            return WriteReport.Written(written);
        }
    }

    private PlannedWrite? Plan(ConfinedRoot root, FileEdit edit, WriterRole role, out string? refusal)
    {
        refusal = CheckText(edit);
        if (refusal is not null)
        {
            return null;
        }

        var requested = Normalize(edit.Path);
        PlannedWrite plan;
        try
        {
            plan = Locate(root, requested, s_utf8.GetBytes(edit.Content));
        }
        catch (ConfinedPathException exception)
        {
            refusal = exception.Message.Contains("outside the worktree", StringComparison.Ordinal)
                ? $"'{requested}' resolves through a symbolic link to a place outside the worktree; it is refused."
                : exception.Message;
            return null;
        }

        // The rules apply to what was asked and to where it really leads.
        foreach (var path in new[] { requested, plan.Path }.Distinct(StringComparer.Ordinal))
        {
            if (path.Split('/').Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
            {
                refusal = $"'{edit.Path}' leads into git's own data (.git); it may not be written.";
                return null;
            }

            var exists = plan.Exists;
            refusal = CheckEveryone(root, path, exists) ?? role switch
            {
                WriterRole.Build => CheckBuild(path, exists),
                WriterRole.Test => CheckTest(path, exists),
                _ => $"Unknown writer role {role}.",
            };
            if (refusal is not null)
            {
                refusal = path == requested ? refusal : $"{refusal} ('{requested}' leads to '{path}' through a link.)";
                return null;
            }
        }

        return plan;
    }

    private string? CheckText(FileEdit edit)
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
        return byteCount > _policy.MaxFileBytes ? $"'{path}' is {byteCount} bytes; a file may be at most {_policy.MaxFileBytes} bytes." : null;
    }

    /// <summary>Where the kernel says <paramref name="requested"/> leads: its resolved folder, the folders still to create, and what is there now.</summary>
    private static PlannedWrite Locate(ConfinedRoot root, string requested, byte[] bytes)
    {
        var segments = requested.Split('/');
        var name = segments[^1];

        // The deepest folder on the way that exists, resolved; the rest cannot be links because they do not exist.
        var existing = segments.Length - 1;
        ConfinedEntry anchor;
        while ((anchor = root.Find(string.Join('/', segments[..existing]))).Kind == EntryKind.Missing)
        {
            existing--;
        }

        if (anchor.Kind != EntryKind.Folder)
        {
            throw new ConfinedPathException($"'{requested}' is inside '{string.Join('/', segments[..existing])}', which is a file, not a folder.");
        }

        var missing = segments[existing..^1];
        var folder = string.Join('/', new[] { anchor.Path }.Concat(missing).Where(s => s.Length > 0));
        var path = ConfinedWrites.Join(folder, name);
        var firstNew = missing.Length > 0 ? ConfinedWrites.Join(anchor.Path, missing[0]) : path;
        if (root.IsLink(firstNew))
        {
            throw new ConfinedPathException($"'{requested}' goes through '{firstNew}', a symbolic link; links are not written through.");
        }

        if (missing.Length > 0)
        {
            return new PlannedWrite(path, anchor.Path, missing, bytes, Exists: false, NewFilePermissions);
        }

        var target = root.Find(path);
        return target.Kind switch
        {
            EntryKind.Folder => throw new ConfinedPathException($"'{requested}' is a folder, not a file."),
            EntryKind.Other => throw new ConfinedPathException($"'{requested}' is not a regular file (a device, FIFO or socket)."),
            EntryKind.File => new PlannedWrite(path, folder, [], bytes, Exists: true, target.Permissions),
            _ => new PlannedWrite(path, folder, [], bytes, Exists: false, NewFilePermissions),
        };
    }

    private string? CheckEveryone(ConfinedRoot root, string relative, bool exists)
    {
        if (_policy.ConfigurationReason(relative) is { } why)
        {
            return $"'{relative}' is protected configuration ({why}); BUILD and TEST may not change what judges the change.";
        }

        if (!exists && _policy.ShadowedModule(relative, location => root.Find(location).Kind != EntryKind.Missing || ExistsAsModule(root, location)) is { } module)
        {
            return $"'{relative}' would shadow the module '{module}' that the tools or the project import; choose another name.";
        }

        return null;
    }

    private bool ExistsAsModule(ConfinedRoot root, string location) =>
        _policy.Toolchain.Files.ModuleSourceExtensions.Any(extension => root.Find(location + extension).Kind != EntryKind.Missing);

    private string? CheckBuild(string relative, bool exists)
    {
        if (_policy.IsUnderTestFolder(relative) && exists)
        {
            return $"'{relative}' is an existing test; BUILD may not modify tests (change the code, not the test).";
        }

        return null;
    }

    private string? CheckTest(string relative, bool exists)
    {
        if (!_policy.IsUnderTestFolder(relative))
        {
            return $"'{relative}' is outside the test folders ({string.Join(", ", _policy.TestFolders.Select(f => f + "/"))}); TEST may only add test files there.";
        }

        if (!_policy.IsTestFileName(relative))
        {
            return $"'{relative}' is not a test file name ({_policy.Toolchain.Files.TestFileNamePattern}).";
        }

        if (exists && !_writtenByTest.Contains(relative))
        {
            return $"'{relative}' already exists; TEST may only add new test files, never change existing ones.";
        }

        return null;
    }

    private static void WriteAll(ConfinedRoot root, List<PlannedWrite> planned)
    {
        var done = new List<(PlannedWrite Plan, string? Kept)>();
        var createdFolders = new List<(string Folder, string Name)>();
        try
        {
            foreach (var plan in planned)
            {
                var folder = plan.Anchor;
                foreach (var missing in plan.MissingFolders)
                {
                    // An earlier edit of this batch may have created it already.
                    if (root.Find(ConfinedWrites.Join(folder, missing)).Kind == EntryKind.Missing)
                    {
                        ConfinedWrites.CreateFolder(root, folder, missing);
                        createdFolders.Add((folder, missing));
                    }

                    folder = ConfinedWrites.Join(folder, missing);
                }

                var kept = plan.Exists ? ConfinedWrites.KeepAside(root, plan.Folder, plan.Name) : null;
                done.Add((plan, kept));
                ConfinedWrites.WriteFile(root, plan.Folder, plan.Name, plan.Bytes, plan.Permissions);
            }
        }
        catch (IOException)
        {
            // All or nothing: put back what this batch changed, then report the failure.
            for (var i = done.Count - 1; i >= 0; i--)
            {
                var (plan, kept) = done[i];
                if (kept is null)
                {
                    ConfinedWrites.Remove(root, plan.Folder, plan.Name, isFolder: false);
                }
                else
                {
                    ConfinedWrites.Rename(root, plan.Folder, kept, plan.Name);
                }
            }

            for (var i = createdFolders.Count - 1; i >= 0; i--)
            {
                ConfinedWrites.Remove(root, createdFolders[i].Folder, createdFolders[i].Name, isFolder: true);
            }

            throw;
        }

        foreach (var (plan, kept) in done)
        {
            if (kept is not null)
            {
                ConfinedWrites.Remove(root, plan.Folder, kept, isFolder: false);
            }
        }
    }

    private static string Normalize(string path) =>
        string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."));

    private static string Printable(string path) =>
        new(path.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>One checked edit: where it goes (resolved), the folders to create on the way, and what it replaces.</summary>
    private sealed record PlannedWrite(string Path, string Anchor, string[] MissingFolders, byte[] Bytes, bool Exists, uint Permissions)
    {
        public string Name => Path[(Path.LastIndexOf('/') + 1)..];

        public string Folder => Path.LastIndexOf('/') is var slash and >= 0 ? Path[..slash] : "";
    }
}
