namespace Factory.Dataflow;

/// <summary>
/// The one abstraction every stage implements. The graph decides which slot (PLAN, SCOUT, ...) a stage fills,
/// times it, applies its timeout, traces it and routes on its result; the stage only does its work.
/// </summary>
/// <remarks>
/// Throwing is allowed and fails only this request ("failed in stage X"); a <see cref="Budget.BudgetExceededException"/>
/// ends it as "budget exceeded". Report models, tokens and retries through <see cref="StageContext.Usage"/>.
/// </remarks>
public interface IFactoryStage
{
    /// <summary>Runs one attempt of the stage for one request.</summary>
    ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken);
}
