using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// The shared backlog and the worker, bound from <c>Factory:Queue</c>. The broker settings (<see cref="Url"/>,
/// <see cref="Stream"/>, <see cref="Subject"/>, <see cref="Consumer"/>, <see cref="DuplicateWindow"/>) must agree
/// between every publisher and worker of one backlog. Validated once with <see cref="Validate"/>.
/// </summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section: "Factory:Queue".</summary>
    public const string SectionName = "Factory:Queue";

    /// <summary>The broker, e.g. <c>nats://10.0.0.5:4222</c>. Required.</summary>
    /// <value>Defaults to "".</value>
    public string Url { get; set; } = "";

    /// <summary>The shared git remote outcomes are pushed to (a URL, or a path on a shared disk). Required.</summary>
    /// <value>Defaults to "".</value>
    public string Remote { get; set; } = "";

    /// <summary>How many requests this worker runs at once.</summary>
    /// <value>Defaults to 1.</value>
    public int Slots { get; set; } = 1;

    /// <summary>The worker's name in outcomes and reports.</summary>
    /// <value>Defaults to null: <c>&lt;host name&gt;-&lt;process id&gt;</c>.</value>
    public string? Name { get; set; }

    /// <summary>Where the worker keeps its mirror of the remote, base checkouts and worktrees (one worker per folder).</summary>
    /// <value>Defaults to null: <c>$XDG_STATE_HOME/factory/workers/&lt;remote-hash&gt;</c> (or <c>~/.local/state/...</c>).</value>
    public string? StateDirectory { get; set; }

    /// <summary>The stream (work queue) name.</summary>
    /// <value>Defaults to <c>FACTORY_REQUESTS</c>.</value>
    public string Stream { get; set; } = "FACTORY_REQUESTS";

    /// <summary>The subject prefix; each request is published on <c>&lt;Subject&gt;.&lt;id&gt;</c>.</summary>
    /// <value>Defaults to <c>factory.requests</c>.</value>
    public string Subject { get; set; } = "factory.requests";

    /// <summary>The durable consumer every worker shares.</summary>
    /// <value>Defaults to <c>factory-workers</c>.</value>
    public string Consumer { get; set; } = "factory-workers";

    /// <summary>How long a delivery may go without an ack or a heartbeat before the broker gives it to another worker.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a worker tells the broker it is still working on a delivery; must be well under <see cref="AckWait"/>.</summary>
    /// <value>Defaults to 15 seconds.</value>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many deliveries may run a request; the next delivery does not run it but ends it as
    /// "failed: delivery limit" (so a request that kills its workers cannot circulate forever).
    /// </summary>
    /// <value>Defaults to 5.</value>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How long the broker remembers a request id to drop a second publish of it.</summary>
    /// <value>Defaults to 1 hour.</value>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one pull waits for requests before asking again.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between retries after an infrastructure error (remote or broker down); the pause doubles from 1 s.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a stopping <c>factory worker</c> lets its requests in flight finish before it cancels them and hands them
    /// back to the queue (a hosted worker uses the host's shutdown timeout instead).
    /// </summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many base checkouts no request is using the worker keeps (the most recently used); older ones are removed
    /// when their last request ends and cloned again from the mirror if a request names them later.
    /// </summary>
    /// <value>Defaults to 4.</value>
    public int IdleBaseCheckouts { get; set; } = 4;

    /// <summary>The worker's name with its default applied.</summary>
    public string EffectiveName => Name ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}");

    /// <summary>The state folder with its default applied.</summary>
    public string EffectiveStateDirectory
    {
        get
        {
            if (StateDirectory is not null)
            {
                return Path.GetFullPath(StateDirectory);
            }

            var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(GitOutcomeStore.NormaliseRemote(Remote))))[..10];
            return Path.Combine(stateHome, "factory", "workers", hash);
        }
    }

    /// <summary>Every problem with the options, named by configuration key; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Url))
        {
            problems.Add("Factory:Queue:Url is required: the broker's address, e.g. nats://127.0.0.1:4222.");
        }

        if (string.IsNullOrWhiteSpace(Remote))
        {
            problems.Add("Factory:Queue:Remote is required: the shared git remote outcomes are pushed to.");
        }

        if (Slots < 1)
        {
            problems.Add($"Factory:Queue:Slots must be at least 1, not {Slots}.");
        }

        if (Name is not null && FeatureRequest.ExplainInvalidId(Name) is { } why)
        {
            problems.Add($"Factory:Queue:Name '{Name}' is not usable: {why}.");
        }

        if (AckWait < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Factory:Queue:AckWait must be at least 1 second, not {AckWait}.");
        }

        if (Heartbeat <= TimeSpan.Zero || Heartbeat * 2 > AckWait)
        {
            problems.Add($"Factory:Queue:Heartbeat ({Heartbeat}) must be positive and at most half of AckWait ({AckWait}), so one lost heartbeat does not cost the delivery.");
        }

        if (IdleBaseCheckouts < 0)
        {
            problems.Add($"Factory:Queue:IdleBaseCheckouts must not be negative, not {IdleBaseCheckouts}.");
        }

        if (MaxDeliveries < 1)
        {
            problems.Add($"Factory:Queue:MaxDeliveries must be at least 1, not {MaxDeliveries}.");
        }

        if (PollWait < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Factory:Queue:PollWait must be at least 1 second (the broker's shortest pull), not {PollWait}.");
        }

        if (DuplicateWindow <= TimeSpan.Zero || DrainTimeout < TimeSpan.Zero || MaxBackoff < TimeSpan.FromSeconds(1))
        {
            problems.Add("Factory:Queue:DuplicateWindow must be positive, DrainTimeout not negative, MaxBackoff at least 1 second.");
        }

        if (string.IsNullOrWhiteSpace(Stream) || string.IsNullOrWhiteSpace(Subject) || string.IsNullOrWhiteSpace(Consumer) ||
            Subject.Contains('*', StringComparison.Ordinal) || Subject.Contains('>', StringComparison.Ordinal))
        {
            problems.Add("Factory:Queue:Stream, Subject and Consumer must be non-empty, and Subject a plain prefix (no * or >).");
        }

        return problems;
    }

    /// <summary>A copy, so later changes to this instance do not reach a running worker.</summary>
    public QueueOptions Clone() => (QueueOptions)MemberwiseClone();
}
