namespace Factory.Dataflow;

/// <summary>A stage made from a delegate: handy for tests, benchmarks and small custom gates.</summary>
public sealed class DelegateStage : IFactoryStage
{
    private readonly Func<StageContext, CancellationToken, ValueTask<StageResult>> _execute;

    /// <summary>Wraps <paramref name="execute"/> as a stage.</summary>
    public DelegateStage(Func<StageContext, CancellationToken, ValueTask<StageResult>> execute)
    {
        ArgumentNullException.ThrowIfNull(execute);
        _execute = execute;
    }

    /// <inheritdoc />
    public ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken) =>
        _execute(context, cancellationToken);
}
