namespace Factory.Dataflow.Gates.Baseline;

/// <summary>One finding of a linter or type checker, as the tool printed it.</summary>
/// <param name="File">The file the tool named, as printed (relative to the folder it ran in).</param>
/// <param name="Line">The line the tool named.</param>
/// <param name="Text">The finding's lines exactly as printed (its notes and context lines included).</param>
/// <param name="Fingerprint">
/// What identifies the finding across line shifts: the file, the rule and message (line numbers inside the message
/// masked) and the text of the line it points at, trimmed. The same mistake on a line that moved keeps its fingerprint.
/// </param>
internal sealed record Finding(string File, int Line, string Text, string Fingerprint);
