namespace Factory.Runner.Progress;

/// <summary>One finished stage attempt of one request, as the progress display shows it.</summary>
internal sealed record StageEvent(string RequestId, string Stage, int Attempt, bool Ok, long Ms, string? Model, long Tokens, decimal Cost);
