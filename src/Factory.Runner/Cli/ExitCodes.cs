namespace Factory.Runner.Cli;

/// <summary>The process exit codes, as documented in <c>factory --help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Approved (for a batch: every request approved).</summary>
    public const int Approved = 0;

    /// <summary>Rejected, failed, or (for a batch) at least one request not approved or not started.</summary>
    public const int NotApproved = 1;

    /// <summary>A usage or environment error: nothing ran, and the message says what to do.</summary>
    public const int UsageOrEnvironment = 2;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>An unexpected exception: a bug in Factory (EX_SOFTWARE, as sysexits.h names it).</summary>
    public const int InternalError = 70;
}
