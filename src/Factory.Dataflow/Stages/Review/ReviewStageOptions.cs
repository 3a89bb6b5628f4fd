namespace Factory.Dataflow.Stages.Review;

/// <summary>REVIEW's limits besides its model settings.</summary>
public sealed class ReviewStageOptions
{
    /// <summary>
    /// The longest diff REVIEW will judge, in characters. A longer diff fails the stage rather than being cut: a reviewer
    /// that sees part of a change cannot approve all of it.
    /// </summary>
    /// <value>Defaults to 60 000 (about 15 000 tokens, within an 8k-32k context with the spec).</value>
    public int MaxDiffChars { get; set; } = 60_000;
}
