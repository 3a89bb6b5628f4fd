namespace Factory.Dataflow.Chat.Preflight;

/// <summary>A passed preflight: the server, its version when it said, and the models it has.</summary>
public sealed record PreflightReport(Uri Endpoint, string? Version, IReadOnlyList<string> InstalledModels);
