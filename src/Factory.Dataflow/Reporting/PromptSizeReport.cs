namespace Factory.Dataflow.Reporting;

/// <summary>BUILD's prompt size on one attempt number (1 = first try, 2 = first retry, ...) over every request in a runs folder.</summary>
/// <param name="Attempt">The BUILD attempt number.</param>
/// <param name="Prompts">How many BUILD attempts with that number recorded their prompt size.</param>
/// <param name="MeanBytes">Their mean prompt size, in UTF-8 bytes, rounded.</param>
/// <param name="MaxBytes">The largest of them, in bytes.</param>
public sealed record PromptSizeReport(int Attempt, int Prompts, long MeanBytes, long MaxBytes);
