namespace Factory.Dataflow.Workspace;

/// <summary>Who is writing, which decides what the jailed writer allows.</summary>
public enum WriterRole
{
    /// <summary>BUILD: any file in the worktree except existing tests and the gate configuration.</summary>
    Build,

    /// <summary>TEST: only new files under the test folder.</summary>
    Test,
}
