namespace Factory.Dataflow.Sandbox;

/// <summary>
/// One run's folder in a <see cref="ForkServer"/>'s runs folder: a tmpfs of the sandbox's scratch size mounted on the
/// host after the server started (the runs folder is a shared mount, so it appears in the server's view too), holding
/// the run's <see cref="ScratchPath"/> (bound writable into the run, like a scratch folder) and, beside it and never
/// visible to the run, its stdout, stderr and the report its confinement wrote. Dispose unmounts and deletes it.
/// </summary>
internal sealed class ForkServerRun : IDisposable
{
    private ForkServerRun(string folder)
    {
        Folder = folder;
        ScratchPath = System.IO.Path.Combine(folder, "scratch");
    }

    /// <summary>The run's folder.</summary>
    public string Folder { get; }

    /// <summary>The folder's name, which identifies the run to the server.</summary>
    public string Id => System.IO.Path.GetFileName(Folder);

    /// <summary>The writable folder the run may use, as a scratch folder is used; empty at first.</summary>
    public string ScratchPath { get; }

    /// <summary>Makes the run's folder in <paramref name="runsFolder"/>; null when its tmpfs cannot be mounted.</summary>
    public static ForkServerRun? Create(string runsFolder, long sizeBytes)
    {
        var folder = System.IO.Path.Combine(runsFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (!LibC.TryMountTmpfs(folder, sizeBytes, out _))
        {
            Directory.Delete(folder);
            return null;
        }

        var run = new ForkServerRun(folder);
        Directory.CreateDirectory(run.ScratchPath);
        return run;
    }

    /// <summary>What a file of the run holds, at most <paramref name="maxChars"/> characters (head and tail kept); "" when absent.</summary>
    public async Task<string> ReadAsync(string name, int maxChars)
    {
        var path = System.IO.Path.Combine(Folder, name);
        if (!File.Exists(path))
        {
            return "";
        }

        var buffer = new HeadTailBuffer(maxChars);
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
        await buffer.AppendAllAsync(reader).ConfigureAwait(false);
        return buffer.ToString();
    }

    public void Dispose()
    {
        try
        {
            LibC.Unmount(Folder);
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The runs folder is unmounted and deleted with its server.
        }
    }
}
