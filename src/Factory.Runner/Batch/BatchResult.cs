namespace Factory.Runner.Batch;

/// <summary>How one backlog line ended in this run of the batch.</summary>
/// <param name="Line">The backlog line.</param>
/// <param name="Id">The request id, or null for a malformed line.</param>
/// <param name="Status">The outcome's name, "not started", "interrupted" or "malformed".</param>
/// <param name="Detail">The reason, branch or problem.</param>
/// <param name="Earlier">True when the outcome comes from an earlier run of the batch (the journal).</param>
internal sealed record BatchLineResult(int Line, string? Id, string Status, string? Detail, bool Earlier);
