namespace Factory.Dataflow;

/// <summary>
/// TEST's model half: proposes new test files for the spec. The TEST stage writes them through the jailed writer
/// (new files under the test folders only) and runs them with the whole suite.
/// </summary>
public interface ITestWriter
{
    /// <summary>Proposes new test files for the change in <paramref name="context"/>.</summary>
    /// <param name="context">The TEST attempt (spec, workspace, budget, usage).</param>
    /// <param name="changedFiles">Repository-relative paths BUILD changed, with their current content.</param>
    /// <param name="cancellationToken">Cancels the model call.</param>
    ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken);

    /// <summary>
    /// Proposes new test files, told how TEST's previous attempt for this request failed (its tests were removed since):
    /// the writer is asked again on every attempt. By default the failure is not passed on.
    /// </summary>
    /// <param name="context">The TEST attempt (spec, workspace, budget, usage).</param>
    /// <param name="changedFiles">Repository-relative paths BUILD changed, with their current content.</param>
    /// <param name="previousFailure">TEST's feedback from its previous attempt, or null on the first.</param>
    /// <param name="cancellationToken">Cancels the model call.</param>
    ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, string? previousFailure, CancellationToken cancellationToken) =>
        WriteTestsAsync(context, changedFiles, cancellationToken);
}
