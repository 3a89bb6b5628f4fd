using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// Builds the tree a request would commit, with git plumbing only: the base commit's tree in a temporary index, plus
/// every file the jailed writer wrote, hashed from the worktree's bytes with <c>hash-object --no-filters</c> (read
/// through the kernel-confined reader), each keeping its base mode (a new file is 100644). No <c>git add</c> runs, so
/// attributes, filters, eol conversion and ignore rules can neither change what is committed nor make it fail: the
/// tree holds exactly the bytes the gates saw, and an ignored file the writer wrote is in it (and in the diff) like any other.
/// </summary>
/// <remarks>
/// Every build reads the written files again (a gate's process could have changed them). When the paths and their bytes
/// are those of the last build, its tree is returned without hashing and writing them again: git would write the same
/// blobs and the same tree, and they are in the object store already. BUILD, TEST, REVIEW and the commit ask for the
/// same tree several times per request; each repeat saves <c>ls-tree</c>, a <c>hash-object</c> per file,
/// <c>update-index</c> and <c>write-tree</c>.
/// </remarks>
internal sealed class CandidateTree(RepositoryInfo repository, string root, string baseCommit, int maxFileBytes)
{
    private const string RegularMode = "100644";
    private Built? _last;

    /// <summary>The tree's id.</summary>
    /// <param name="written">The paths the jailed writer wrote.</param>
    /// <param name="refuseForeign">True to first check that nothing but the writer added a file to the worktree (for
    /// what will be judged or committed; a discarded change only needs its diff).</param>
    /// <param name="cancellationToken">Stops git.</param>
    /// <exception cref="GitCommandException">git failed, or the worktree holds files the writer did not write.</exception>
    public async Task<string> BuildAsync(IReadOnlyCollection<string> written, bool refuseForeign, CancellationToken cancellationToken)
    {
        var git = new GitPlumbing(repository);
        var index = Path.Combine(repository.TemporaryDirectory, $"candidate-{Guid.NewGuid():N}.index");
        try
        {
            await git.RunAsync(["read-tree", baseCommit], cancellationToken, index).ConfigureAwait(false);
            if (refuseForeign)
            {
                await RefuseForeignFilesAsync(git, index, written, cancellationToken).ConfigureAwait(false);
            }

            if (written.Count == 0)
            {
                return await git.RunAsync(["write-tree"], cancellationToken, index).ConfigureAwait(false) is var empty ? empty.Trim() : "";
            }

            var files = await ReadWrittenAsync(written, cancellationToken).ConfigureAwait(false);
            var key = KeyOf(files);
            if (Volatile.Read(ref _last) is { } last && last.Key.AsSpan().SequenceEqual(key))
            {
                // The same paths with the same bytes as the last build: git would write the same blobs and the same tree.
                return last.Tree;
            }

            var modes = await BaseModesAsync(git, written, cancellationToken).ConfigureAwait(false);
            var records = new StringBuilder();
            foreach (var (path, content) in files)
            {
                if (content is not { } bytes)
                {
                    // Mode 0 removes the path from the index: the tree says what the worktree says.
                    records.Append("0 0000000000000000000000000000000000000000\t").Append(path).Append('\0');
                    continue;
                }

                var blob = (await git.RunAsync(["hash-object", "-w", "--no-filters", "--stdin"], cancellationToken, input: bytes)
                    .ConfigureAwait(false)).Trim();
                var mode = modes.GetValueOrDefault(path, RegularMode);
                records.Append(CultureInfo.InvariantCulture, $"{mode} {blob}\t{path}").Append('\0');
            }

            await git.RunAsync(["update-index", "-z", "--index-info"], cancellationToken, index, input: GitPlumbing.Bytes(records.ToString()))
                .ConfigureAwait(false);
            var tree = (await git.RunAsync(["write-tree"], cancellationToken, index).ConfigureAwait(false)).Trim();
            Volatile.Write(ref _last, new Built(key, tree));
            return tree;
        }
        finally
        {
            File.Delete(index);
            File.Delete(index + ".lock");
        }
    }

    /// <summary>Every written path in ordinal order with its bytes as the worktree holds them now, or null when it is gone.</summary>
    private async Task<List<(string Path, ReadOnlyMemory<byte>? Content)>> ReadWrittenAsync(
        IReadOnlyCollection<string> written, CancellationToken cancellationToken)
    {
        var files = new List<(string, ReadOnlyMemory<byte>?)>(written.Count);
        foreach (var path in written.Order(StringComparer.Ordinal))
        {
            var entry = WorktreeReader.Find(root, path);
            if (entry.Kind == EntryKind.Missing)
            {
                files.Add((path, null));
                continue;
            }

            if (entry.Kind != EntryKind.File || entry.Path != path)
            {
                throw new GitCommandException($"'{path}' is no longer the regular file the jailed writer wrote; the change cannot be committed.");
            }

            var file = await WorktreeReader.ReadAsync(root, path, maxFileBytes + 1, cancellationToken).ConfigureAwait(false);
            if (file.IsTruncated || file.Content.Length > maxFileBytes)
            {
                throw new GitCommandException($"'{path}' grew past {maxFileBytes} bytes after the jailed writer wrote it; the change cannot be committed.");
            }

            files.Add((path, file.Content));
        }

        return files;
    }

    /// <summary>SHA-256 over every path and its bytes (or that it is gone), each length-prefixed so no two inputs run together.</summary>
    private static byte[] KeyOf(List<(string Path, ReadOnlyMemory<byte>? Content)> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[9];
        foreach (var (path, content) in files)
        {
            var name = Encoding.UTF8.GetBytes(path);
            BinaryPrimitives.WriteInt64LittleEndian(length, name.Length);
            length[8] = content is null ? (byte)0 : (byte)1;
            hash.AppendData(length);
            hash.AppendData(name);
            if (content is { } bytes)
            {
                BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
                hash.AppendData(length[..8]);
                hash.AppendData(bytes.Span);
            }
        }

        return hash.GetHashAndReset();
    }

    // Untracked files the writer did not write (ignored ones included: no exclude rules are given) could only come from
    // code that ran at gate time outside the jail; they would run without being reviewed or committed, so they stop the change.
    private async Task RefuseForeignFilesAsync(GitPlumbing git, string index, IReadOnlyCollection<string> written, CancellationToken cancellationToken)
    {
        var others = GitPlumbing.Fields(await git.RunAsync(["ls-files", "-z", "--others"], cancellationToken, index, workTree: root)
            .ConfigureAwait(false));
        var writtenSet = written as IReadOnlySet<string> ?? written.ToHashSet(StringComparer.Ordinal);
        var foreign = others.Where(p => !writtenSet.Contains(p)).Take(10).ToList();
        if (foreign.Count > 0)
        {
            throw new GitCommandException(
                $"The worktree holds files the jailed writer did not write ({string.Join(", ", foreign.Select(Printable))}); " +
                "the gates may have run them, so the change is not committed.");
        }
    }

    private async Task<Dictionary<string, string>> BaseModesAsync(GitPlumbing git, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var listing = await git.RunAsync(["ls-tree", "-z", "--full-tree", baseCommit, "--", .. paths.Select(p => ":(literal)" + p)], cancellationToken)
            .ConfigureAwait(false);
        var modes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in GitPlumbing.Fields(listing))
        {
            // "<mode> SP <type> SP <object> TAB <path>"
            var tab = record.IndexOf('\t', StringComparison.Ordinal);
            var mode = record[..record.IndexOf(' ', StringComparison.Ordinal)];
            if (mode is "100644" or "100755")
            {
                modes[record[(tab + 1)..]] = mode;
            }
        }

        return modes;
    }

    private static string Printable(string path) => new([.. path.Select(c => char.IsControl(c) ? '?' : c)]);

    /// <summary>The last tree this workspace's candidate was, and the key of the paths and bytes it was built from.</summary>
    private sealed record Built(byte[] Key, string Tree);
}
