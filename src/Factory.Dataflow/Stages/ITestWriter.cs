namespace Factory.Dataflow;

/// <summary>
/// TEST's model half: proposes new test files for the spec. The TEST stage writes them through the jailed writer
/// (new files under the test folder only) and runs them.
/// </summary>
public interface ITestWriter
{
    /// <summary>Proposes new test files for the change in <paramref name="context"/>.</summary>
    /// <param name="context">The TEST attempt (spec, workspace, budget, usage).</param>
    /// <param name="changedFiles">Repository-relative paths BUILD changed, with their current content.</param>
    /// <param name="cancellationToken">Cancels the model call.</param>
    ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken);
}
