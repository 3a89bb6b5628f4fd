using Factory.Dataflow;
using Factory.Dataflow.Reporting;
using Spectre.Console;

namespace Factory.Runner.Progress;

/// <summary>
/// A live table on a terminal: per stage, attempts done and failed and requests waiting for it, plus the requests
/// ended so far. Redrawn by Spectre.Console's live display from a background task.
/// </summary>
internal sealed class LiveProgressView : IProgressView
{
    private const int ShownNotes = 3;
    private static readonly string[] Stages = ["plan", "scout", "build", "validate", "test", "review"];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Done, int Failed)> _stages = Stages.ToDictionary(s => s, _ => (0, 0), StringComparer.Ordinal);
    private readonly Dictionary<string, string> _next = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _render;
    private int _approved;
    private int _notApproved;

    public LiveProgressView(IAnsiConsole console, string title)
    {
        _render = console.Live(Render(title)).AutoClear(false).StartAsync(async context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(Render(title));
                try
                {
                    await Task.Delay(200, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: one last frame below shows the final counts.
                }
            }

            context.UpdateTarget(Render(title));
        });
    }

    public void Started(FeatureRequest request)
    {
        lock (_gate)
        {
            _next[request.Id] = "plan";
        }
    }

    public void StageFinished(StageEvent e)
    {
        lock (_gate)
        {
            var (done, failed) = _stages.GetValueOrDefault(e.Stage);
            _stages[e.Stage] = e.Ok ? (done + 1, failed) : (done, failed + 1);
            var index = Array.IndexOf(Stages, e.Stage);
            _next[e.RequestId] = !e.Ok && e.Stage is "build" or "validate" or "test" ? "build"
                : e.Ok && index >= 0 && index + 1 < Stages.Length ? Stages[index + 1]
                : e.Stage;
        }
    }

    public void Finished(FeatureOutcome outcome)
    {
        lock (_gate)
        {
            _next.Remove(outcome.Request.Id);
            if (outcome.IsApproved)
            {
                _approved++;
            }
            else
            {
                _notApproved++;
                AddNote($"{outcome.Request.Id}: {outcome.StatusName}");
            }
        }
    }

    public void Note(string message)
    {
        lock (_gate)
        {
            AddNote(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _render.ConfigureAwait(false);
        _stop.Dispose();
    }

    // Only the last few notes are shown; a long batch must not keep every one.
    private void AddNote(string note)
    {
        _notes.Add(note);
        if (_notes.Count > ShownNotes)
        {
            _notes.RemoveAt(0);
        }
    }

    private Table Render(string title)
    {
        lock (_gate)
        {
            var table = new Table().Title(Markup.Escape(TerminalText.Line(title))).AddColumns("stage", "done", "failed", "in flight / waiting");
            foreach (var stage in Stages)
            {
                var (done, failed) = _stages[stage];
                var waiting = _next.Values.Count(v => v == stage);
                table.AddRow(stage.ToUpperInvariant(), done.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    failed.ToString(System.Globalization.CultureInfo.InvariantCulture), waiting.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            // The notes carry request ids and outcome text: escaped as text (no control characters) and as markup.
            table.Caption(Markup.Escape(TerminalText.Line($"approved {_approved}, not approved {_notApproved}, in flight {_next.Count}" +
                (_notes.Count == 0 ? "" : " | " + string.Join(" | ", _notes)))));
            return table;
        }
    }
}
