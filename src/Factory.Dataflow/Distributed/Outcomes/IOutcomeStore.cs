namespace Factory.Dataflow.Distributed;

/// <summary>
/// Where outcomes are decided: the first worker to store a request's outcome wins, every later attempt loses, so a
/// request ends exactly once however often the queue delivered it. The git implementation is <see cref="GitOutcomeStore"/>.
/// </summary>
public interface IOutcomeStore
{
    /// <summary>The store's address as the user gave it, for messages that must name it.</summary>
    string Address { get; }

    /// <summary>Checks that the store can be reached.</summary>
    /// <exception cref="OutcomeStoreUnavailableException">It cannot; the message names the address.</exception>
    ValueTask CheckAsync(CancellationToken cancellationToken);

    /// <summary>True when the request already has an outcome.</summary>
    /// <exception cref="OutcomeStoreUnavailableException">The store cannot be reached.</exception>
    ValueTask<bool> ExistsAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Stores the outcome (and an approved change's branch) at once, only when the request has none yet.</summary>
    /// <returns><see cref="OutcomePushResult.Won"/>, or <see cref="OutcomePushResult.Lost"/> when another worker got there first.</returns>
    /// <exception cref="OutcomeStoreUnavailableException">The store cannot be reached; nothing was stored.</exception>
    ValueTask<OutcomePushResult> PushAsync(OutcomeToPush outcome, CancellationToken cancellationToken);

    /// <summary>The ids of every request that has an outcome.</summary>
    /// <exception cref="OutcomeStoreUnavailableException">The store cannot be reached.</exception>
    ValueTask<IReadOnlySet<string>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>What a worker stores for one request.</summary>
/// <param name="Record">outcome.json.</param>
/// <param name="Trace">trace.jsonl as the pipeline wrote it (or its final line alone).</param>
/// <param name="FailedDiff">The diff of a change that was not approved, or null.</param>
/// <param name="BranchCommit">The approved change's commit, pushed as the request's branch; null when not approved.</param>
/// <param name="RepositoryPath">A local repository that holds <paramref name="BranchCommit"/>, where the outcome's own commit is made.</param>
public sealed record OutcomeToPush(OutcomeRecord Record, string Trace, string? FailedDiff, string? BranchCommit, string RepositoryPath);

/// <summary>Who stored a request's outcome.</summary>
public enum OutcomePushResult
{
    /// <summary>This worker: its outcome is the request's outcome.</summary>
    Won,

    /// <summary>Another worker, earlier: this result is dropped.</summary>
    Lost,
}
