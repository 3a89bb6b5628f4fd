using System.Globalization;
using System.Text;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Gates.Baseline;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates.Baseline;

namespace Factory.Dataflow.Toolchains.Python.Gates;

/// <summary>
/// VALIDATE: the configured linter (ruff) and type checker (mypy) run concurrently in the sandbox on the request's
/// worktree, and are judged against the base commit's own findings (<see cref="GateBaseline"/>): the stage fails only on
/// findings the change adds, and its feedback for BUILD is those findings exactly as the tools printed them, labelled.
/// Findings the base commit already had are counted (trace field <c>baseline_findings</c>) and never block.
/// With <c>"baseline": "strict"</c> every finding blocks and the feedback is both outputs whole.
/// </summary>
public sealed class ValidateStage : IFactoryStage
{
    private readonly GateOptions _options;
    private readonly ValidateTools _tools;
    private readonly GateBaselines _baselines;

    /// <summary>Creates the stage.</summary>
    /// <param name="runner">The sandboxed runner the tools run in.</param>
    /// <param name="options">Interpreter, timeouts, the shared mypy cache and baseline folders; validated and copied here.</param>
    public ValidateStage(SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.ValidateAndCopy();
        _tools = new ValidateTools(runner, _options, new MypyCacheStore(_options.MypyCacheDirectory!));
        _baselines = new GateBaselines(runner, _options);
    }

    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = context.RequireWorkspace().RootPath;
        var config = await GateConfigResolver.LoadAsync(root, cancellationToken).ConfigureAwait(false);
        var strict = config.Baseline == BaselineMode.Strict;
        var baseline = strict ? null : await _baselines.GetAsync(root, config, cancellationToken).ConfigureAwait(false);

        var repository = await ValidateTools.RepositoryOfAsync(root, cancellationToken).ConfigureAwait(false);
        var (lintResult, typeResult) = await _tools.RunAsync(root, repository, config, cancellationToken).ConfigureAwait(false);
        ThrowIfBroken(lintResult, config.Lint);
        ThrowIfBroken(typeResult, config.EffectiveTypeCheck);

        context.Usage.SetExtra("lint_exit", lintResult.ExitCode);
        context.Usage.SetExtra("lint_served", lintResult.Served);
        context.Usage.SetExtra("typecheck_exit", typeResult.ExitCode);
        context.Usage.SetExtra("typecheck_ms", (long)typeResult.Duration.TotalMilliseconds);
        if (baseline is null)
        {
            var detail = Section(config.Lint, lintResult, null) + Section(config.EffectiveTypeCheck, typeResult, null);
            return lintResult.ExitCode == 0 && typeResult.ExitCode == 0 ? StageResult.Success(detail: detail) : StageResult.Failure(detail);
        }

        var lint = Judge(lintResult, baseline.LintFindings, root);
        var types = Judge(typeResult, baseline.TypeFindings, root);
        context.Usage.SetExtra("baseline_findings", lint.Known + types.Known);
        context.Usage.SetExtra("new_findings", lint.New.Count + types.New.Count);
        var judged = Section(config.Lint, lintResult, lint) + Section(config.EffectiveTypeCheck, typeResult, types);
        return lint.Passed && types.Passed ? StageResult.Success(detail: judged) : StageResult.Failure(judged);
    }

    private static Judgement Judge(SandboxResult result, IReadOnlyList<string> baseFindings, string root)
    {
        if (result.ExitCode == 0)
        {
            return new Judgement([], baseFindings.Count == 0 ? 0 : FindingComparison.Compare(baseFindings, FindingParser.Parse(result.Output, root)).Known, true);
        }

        var findings = FindingParser.Parse(result.Output, root);
        var (added, known) = FindingComparison.Compare(baseFindings, findings);

        // A failure with no finding Factory can read (a crash, a message of another shape) is blamed whole.
        return new Judgement(added, known, added.Count == 0 && findings.Count > 0);
    }

    private void ThrowIfBroken(SandboxResult result, IReadOnlyList<string> command)
    {
        GateCommands.ThrowIfToolMissing(result, command, _options);
        if (result.TimedOut)
        {
            throw new GateEnvironmentException(
                $"VALIDATE: '{GateCommands.Label(command)}' did not finish within {_options.ValidateTimeout.TotalSeconds:0} s " +
                $"(GateOptions.ValidateTimeout).\n{result.Output}");
        }

        // ruff exits 2 on its own errors (bad settings, unreadable files): nothing BUILD could fix.
        if (command[0] == "ruff" && result.ExitCode == 2)
        {
            throw new GateEnvironmentException($"VALIDATE: ruff failed on its own (exit 2):\n{result.Output}");
        }
    }

    private static string Section(IReadOnlyList<string> command, SandboxResult result, Judgement? judgement)
    {
        var text = new StringBuilder($"--- {GateCommands.Label(command)} (exit {result.ExitCode}) ---\n");
        if (judgement is null || judgement.Known == 0 || (!judgement.Passed && judgement.New.Count == 0))
        {
            // Nothing to leave out: the output as printed.
            return text.Append(result.Output).Append(result.Output.EndsWith('\n') ? "" : "\n").ToString();
        }

        foreach (var finding in judgement.New)
        {
            text.Append(finding.Text).Append('\n');
        }

        var known = judgement.Known == 1 ? "1 finding" : $"{judgement.Known} findings";
        return text.Append(CultureInfo.InvariantCulture, $"({known} the base commit already had {(judgement.Known == 1 ? "is" : "are")} not shown: they are not this change's)\n")
            .ToString();
    }

    private sealed record Judgement(IReadOnlyList<Finding> New, int Known, bool Passed);
}
