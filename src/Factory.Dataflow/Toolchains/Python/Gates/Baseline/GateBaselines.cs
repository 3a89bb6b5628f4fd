using System.Security.Cryptography;
using System.Text;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Toolchains.Python.Gates.Baseline;

/// <summary>
/// The base commit's gate results for a worktree, computed once per (base tree, gate configuration, tool versions) in
/// a copy of the base commit, so they never depend on what the worktree holds now; kept in
/// <see cref="GateOptions.BaselineDirectory"/> and shared by every request, run and process.
/// </summary>
/// <remarks>
/// A gate that cannot run on the base commit is nobody's change: it throws <see cref="GateEnvironmentException"/>
/// naming the setting to fix, and nothing is stored.
/// </remarks>
internal sealed class GateBaselines
{
    private const string FormatVersion = "factory-baseline-v2";
    private readonly SandboxedRunner _runner;
    private readonly GateOptions _options;
    private readonly ValidateTools _tools;
    private readonly BaselineStore _store;

    /// <param name="runner">The sandboxed runner.</param>
    /// <param name="options">Validated options (<see cref="GateOptions.ValidateAndCopy"/>).</param>
    public GateBaselines(SandboxedRunner runner, GateOptions options)
    {
        _runner = runner;
        _options = options;
        _tools = new ValidateTools(runner, options, new MypyCacheStore(options.MypyCacheDirectory!));
        _store = new BaselineStore(options.BaselineDirectory!);
    }

    public async Task<GateBaseline> GetAsync(string worktree, GateConfig config, CancellationToken cancellationToken)
    {
        // git's answer for the first worktree on a commit; the next ones are recognised from git's files.
        var (commit, tree) = await GitHeadAnswers.Shared.HeadAsync(worktree, cancellationToken).ConfigureAwait(false);
        var versions = await ToolVersions.GetAsync(_runner, _options, config.Lint).WaitAsync(cancellationToken).ConfigureAwait(false);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', FormatVersion, tree, config.ToCanonicalJson(), _options.PythonInterpreter, versions))))[..32];
        var baseline = await _store.GetOrCreateAsync(key, ct => ComputeAsync(worktree, commit, tree, config, ct), cancellationToken).ConfigureAwait(false);
        return baseline with { Key = key };
    }

    private async Task<GateBaseline> ComputeAsync(string worktree, string commit, string tree, GateConfig config, CancellationToken cancellationToken)
    {
        using var baseTree = await BaseTree.ExportAsync(worktree, commit, cancellationToken).ConfigureAwait(false);
        var repository = await ValidateTools.RepositoryOfAsync(worktree, cancellationToken).ConfigureAwait(false);
        var (lint, types) = await _tools.RunAsync(baseTree.Root, repository, config, cancellationToken).ConfigureAwait(false);
        var lintFindings = BaselineChecks.Findings(lint, config.Lint, baseTree.Root, _options, "lint");
        var typeFindings = BaselineChecks.Findings(types, config.EffectiveTypeCheck, baseTree.Root, _options, "typeCheck");

        var tests = await PytestRun.RunAsync(
            _runner, _options, config, baseTree.Root, config.EffectiveTestFolders, coverage: true, _options.TestTimeout, cancellationToken,
            testContexts: true).ConfigureAwait(false);
        var outcomes = BaselineChecks.Tests(tests, config, baseTree.Root, _options);
        return new GateBaseline
        {
            Tree = tree,
            Commit = commit,
            ComputedAt = DateTimeOffset.UtcNow,
            LintFindings = [.. lintFindings.Select(f => f.Fingerprint)],
            TypeFindings = [.. typeFindings.Select(f => f.Fingerprint)],
            Tests = outcomes,
            Coverage = tests.Coverage ?? new CoverageData { Files = new Dictionary<string, FileCoverage>() },
            SuiteSeconds = tests.Run.Duration.TotalSeconds,
            TestsByFile = tests.TestsByFile,
        };
    }
}
