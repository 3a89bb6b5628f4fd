using Factory.Dataflow;
using Factory.Dataflow.Reporting;

namespace Factory.Runner.Progress;

/// <summary>One line per event, for logs, pipes and CI (CI=true or redirected output).</summary>
internal sealed class PlainProgressView(TextWriter output) : IProgressView
{
    private readonly Lock _gate = new();

    public void Started(FeatureRequest request) => Write($"[{request.Id}] started: {request.Text}");

    public void StageFinished(StageEvent e) =>
        Write($"[{e.RequestId}] {e.Stage.ToUpperInvariant()} #{e.Attempt} {(e.Ok ? "ok" : "failed")} {e.Ms} ms" +
              (e.Model is null ? "" : $" {e.Model} {e.Tokens} tokens"));

    public void Finished(FeatureOutcome outcome) =>
        Write($"[{outcome.Request.Id}] {outcome.StatusName}" + (outcome.Reason is { } reason ? $": {FirstLine(reason)}" : ""));

    public void Note(string message) => Write(message);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The first line of <paramref name="text"/>, shortened to 160 characters, as one escaped line.</summary>
    internal static string FirstLine(string text)
    {
        var line = TerminalText.Line(text.Split('\n', 2)[0].Trim());
        return line.Length <= 160 ? line : line[..157] + "...";
    }

    private void Write(string line)
    {
        // Events arrive from the graph's blocks concurrently; whole lines only, each one line even when a request's
        // text or a model's reply holds newlines or escape sequences.
        lock (_gate)
        {
            output.WriteLine(TerminalText.Line(line));
            output.Flush();
        }
    }
}
