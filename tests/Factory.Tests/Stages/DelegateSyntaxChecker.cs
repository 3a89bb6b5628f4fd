using Factory.Dataflow;

namespace Factory.Tests.Stages;

/// <summary>A syntax checker driven by a delegate; records the paths it was asked about.</summary>
internal sealed class DelegateSyntaxChecker(Func<IReadOnlyList<string>, string?> check) : ISyntaxChecker
{
    public List<IReadOnlyList<string>> Calls { get; } = [];

    public static DelegateSyntaxChecker AllParse() => new(_ => null);

    public ValueTask<string?> CheckAsync(string root, IReadOnlyList<string> relativePaths, CancellationToken cancellationToken)
    {
        Calls.Add(relativePaths);
        return ValueTask.FromResult(check(relativePaths));
    }
}
