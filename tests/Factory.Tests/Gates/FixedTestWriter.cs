using Factory.Dataflow;

namespace Factory.Tests.Gates;

/// <summary>A test writer that proposes the same files every time, and remembers what it was shown.</summary>
public sealed class FixedTestWriter(IReadOnlyList<FileEdit> tests) : ITestWriter
{
    public IReadOnlyList<FileEdit>? ChangedFilesSeen { get; private set; }

    /// <summary>The previous failure it was told on each call, in order.</summary>
    public List<string?> FailuresSeen { get; } = [];

    public ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, CancellationToken cancellationToken) =>
        WriteTestsAsync(context, changedFiles, null, cancellationToken);

    public ValueTask<IReadOnlyList<FileEdit>> WriteTestsAsync(
        StageContext context, IReadOnlyList<FileEdit> changedFiles, string? previousFailure, CancellationToken cancellationToken)
    {
        ChangedFilesSeen = changedFiles;
        FailuresSeen.Add(previousFailure);
        return ValueTask.FromResult(tests);
    }
}
