namespace Factory.Dataflow;

/// <summary>REVIEW's judgement of the diff against the spec.</summary>
/// <param name="Approved">True for "approve", false for "reject".</param>
/// <param name="Reasons">The reviewer's reasons, quoted in the trace and the outcome.</param>
public sealed record ReviewVerdict(bool Approved, IReadOnlyList<string> Reasons);
