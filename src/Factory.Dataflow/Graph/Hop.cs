namespace Factory.Dataflow;

/// <summary>Where a request goes after the block it is in; every link of the graph matches one of these.</summary>
internal enum Hop
{
    /// <summary>Just submitted, on its way into PLAN.</summary>
    Plan,
    Scout,
    Admit,
    Build,
    Validate,
    Test,
    Feedback,
    Review,
    Settle,
}
