namespace Factory.Dataflow;

/// <summary>What one stage attempt produced.</summary>
/// <param name="Ok">Whether the stage's eval held.</param>
/// <param name="Output">
/// The structured payload for later stages: a <see cref="Spec"/> from PLAN, a <see cref="ScoutBrief"/> from SCOUT,
/// a <see cref="ReviewVerdict"/> from REVIEW; anything (or null) from the others.
/// </param>
/// <param name="Detail">Text for people and for BUILD's feedback, e.g. the exact mypy output.</param>
public sealed record StageResult(bool Ok, object? Output, string Detail)
{
    /// <summary>A passing result.</summary>
    public static StageResult Success(object? output = null, string detail = "") => new(true, output, detail);

    /// <summary>A failing result whose detail is the feedback or the reason.</summary>
    public static StageResult Failure(string detail, object? output = null) => new(false, output, detail);
}
