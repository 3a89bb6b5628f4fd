using System.CommandLine;
using Factory.Dataflow.Distributed;
using Factory.Runner.Cli;

namespace Factory.Runner.Queue;

/// <summary><c>batch</c>'s queue options (<c>--queue</c>, <c>--remote</c>, <c>--base</c>, <c>--wait</c>) and their dispatch to <see cref="QueueBatch"/>.</summary>
internal sealed class QueueBatchOptions
{
    public Option<string?> Queue { get; } = QueueCliOptions.Queue(required: false);

    public Option<string?> Remote { get; } = QueueCliOptions.Remote(required: false);

    public Option<string?> Base { get; } = new("--base") { Description = "With --queue: the remote's branch, tag or commit the requests are built on (default: its HEAD)." };

    public Option<bool> Wait { get; } = new("--wait") { Description = "With --queue: follow the outcomes on the remote, then print the summary (exit code as for a local batch)." };

    public bool IsUsed(ParseResult parse) => parse.GetValue(Queue) is not null || parse.GetValue(Remote) is not null;

    public Task<int> RunAsync(ParseResult parse, string backlog, TextWriter output, CancellationToken cancellationToken)
    {
        var url = parse.GetValue(Queue) ?? throw new RunnerException("--remote needs --queue: the NATS server of the shared backlog.");
        var remote = parse.GetValue(Remote) ?? throw new RunnerException("--queue needs --remote: the shared git remote the outcomes go to.");
        return QueueBatch.RunAsync(
            backlog,
            o =>
            {
                o.Url = QueueCliOptions.RequireQueueUrl(url);
                o.Remote = GitOutcomeStore.NormaliseRemote(remote);
            },
            parse.GetValue(Base),
            parse.GetValue(Wait),
            output,
            cancellationToken);
    }
}
