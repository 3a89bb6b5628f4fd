namespace Factory.Dataflow;

/// <summary>The six stages, in pipeline order, plus the workspace steps around them.</summary>
public enum StageName
{
    /// <summary>Request to spec.</summary>
    Plan,

    /// <summary>Spec to a brief of files, conventions and prior art.</summary>
    Scout,

    /// <summary>Spec and brief (and feedback) to file edits.</summary>
    Build,

    /// <summary>Linters and type checkers; no model.</summary>
    Validate,

    /// <summary>Existing tests, new tests, coverage.</summary>
    Test,

    /// <summary>An independent verdict on the diff against the spec.</summary>
    Review,

    /// <summary>Preparing or settling the request's workspace (not a stage of its own, but it can fail).</summary>
    Workspace,
}
