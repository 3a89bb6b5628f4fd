using Factory.Dataflow;

namespace Factory.Benchmarks.Support;

/// <summary>TEST's model half replaced by fixed files, so a benchmark of TEST measures pytest and coverage only.</summary>
internal sealed class FixedTestWriter(params FileEdit[] tests) : ITestWriter
{
    public ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<FileEdit>>(tests);
}
