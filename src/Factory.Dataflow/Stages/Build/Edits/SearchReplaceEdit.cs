namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// Replace one exact passage of an existing file (Aider's SEARCH/REPLACE block, as JSON). The passage must occur exactly
/// once; <see cref="PassageLocator"/> decides what "exactly" tolerates.
/// </summary>
internal sealed record SearchReplaceEdit(string Path, string Search, string Replace) : BuildEdit(Path);
