using Factory.Dataflow;

namespace Factory.Runner.Progress;

/// <summary>Shows a command's progress: a live table on a terminal, plain lines otherwise.</summary>
internal interface IProgressView : IAsyncDisposable
{
    void Started(FeatureRequest request);

    void StageFinished(StageEvent stageEvent);

    void Finished(FeatureOutcome outcome);

    void Note(string message);
}
