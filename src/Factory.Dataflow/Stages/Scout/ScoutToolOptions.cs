namespace Factory.Dataflow.Stages.Scout;

/// <summary>Caps on SCOUT's read-only tools and tool loop, so a curious model cannot flood its own context or budget.</summary>
public sealed class ScoutToolOptions
{
    /// <summary>The most model calls that may request tools before SCOUT must answer.</summary>
    /// <value>Defaults to 6.</value>
    public int MaxToolRounds { get; set; } = 6;

    /// <summary>The most characters read_file returns; longer files are cut with a note saying so.</summary>
    /// <value>Defaults to 12 000.</value>
    public int MaxReadChars { get; set; } = 12_000;

    /// <summary>The most entries list_files returns.</summary>
    /// <value>Defaults to 200.</value>
    public int MaxListEntries { get; set; } = 200;

    /// <summary>The most matching lines grep returns.</summary>
    /// <value>Defaults to 50.</value>
    public int MaxGrepMatches { get; set; } = 50;

    /// <summary>Files larger than this are skipped by grep and cut by read_file.</summary>
    /// <value>Defaults to 256 KiB.</value>
    public long MaxFileBytes { get; set; } = 256 * 1024;

    /// <summary>The most files listed in SCOUT's opening message (the repository overview).</summary>
    /// <value>Defaults to 150.</value>
    public int MaxOverviewFiles { get; set; } = 150;
}
