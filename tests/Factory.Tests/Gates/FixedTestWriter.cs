using Factory.Dataflow;

namespace Factory.Tests.Gates;

/// <summary>A test writer that proposes the same files every time, and remembers what it was shown.</summary>
public sealed class FixedTestWriter(IReadOnlyList<FileEdit> tests) : ITestWriter
{
    public IReadOnlyList<FileEdit>? ChangedFilesSeen { get; private set; }

    public ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken)
    {
        ChangedFilesSeen = changedFiles;
        return ValueTask.FromResult(tests);
    }
}
