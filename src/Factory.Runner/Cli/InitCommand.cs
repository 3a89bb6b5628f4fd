using System.CommandLine;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Reporting;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Detection;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Runner.Hosting;
using Factory.Runner.Init;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Runner.Cli;

/// <summary>
/// <c>factory init --repo &lt;path&gt;</c>: looks at the Python project, runs the gates once on its last commit, and writes a
/// commented <c>.factory/gates.json</c> saying what it found, what it left out and why, and the base commit's results.
/// The same configuration is what <c>factory run</c> detects in memory when no file is committed.
/// </summary>
internal static class InitCommand
{
    public static Command Create(TextWriter output)
    {
        var repo = CommonOptions.Repo(required: true);
        var force = new Option<bool>("--force") { Description = $"Replace an existing {GateConfig.RelativePath}." };
        var set = CommonOptions.Set();
        var command = new Command("init", $"Detect the project's layout and tests, run the gates once on the last commit, and write a commented {GateConfig.RelativePath}.")
        {
            repo, force, set,
        };
        command.SetAction((parse, cancellationToken) => FactoryCli.Guard(
            () => RunAsync(CommonOptions.RequireFolder(parse.GetValue(repo)!, "--repo"), parse.GetValue(force), CommonOptions.Settings(parse.GetValue(set)), output, cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string folder, bool force, IReadOnlyList<KeyValuePair<string, string?>> set, TextWriter output, CancellationToken cancellationToken)
    {
        var (root, commit) = await CheckoutAsync(folder, cancellationToken).ConfigureAwait(false);
        var target = Path.Combine(root, GateConfig.RelativePath);
        if (File.Exists(target) && !force)
        {
            throw new RunnerException($"{target} already exists: edit it, or pass --force to replace it with a newly detected one.");
        }

        var tracked = await Git.RunAsync(root, ["ls-tree", "-r", "-z", "--name-only", "HEAD"], cancellationToken).ConfigureAwait(false);
        var project = PythonProjectDetector.Detect(root, tracked.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries));
        if (project.Packages.Count == 0)
        {
            throw new RunnerException(
                $"No Python project found in {root} at commit {commit[..12]}: {string.Join("; ", project.Notes)}. " +
                "factory init looks for a package (a folder with __init__.py) or module at the root or under src/, in the files git tracks.");
        }

        var proposal = GateConfigProposal.For(project);
        await Write(output, $"Found: {project.Summary}");
        await Write(output, $"Running the gates once on commit {commit[..12]} (ruff, mypy, pytest with coverage)...");
        var (baseRun, problem) = await BaseRunAsync(root, proposal.Config, set, cancellationToken).ConfigureAwait(false);
        var text = GatesFile.Render(project, proposal, commit, baseRun, problem);
        WriteWhole(target, text, force);

        await Write(output, $"Wrote {target}:");
        foreach (var line in proposal.Choices.Concat(proposal.LeftOut.Select(l => "left out: " + l)).Concat(GatesFile.BaseRunLines(proposal.Config, baseRun, problem)))
        {
            await Write(output, "  " + line);
        }

        if (baseRun is null)
        {
            await Write(output, $"The gates could not run on the base commit with this configuration: fix the setting named above in {GateConfig.RelativePath}, then run factory init --force or commit it and run.");
            return ExitCodes.UsageOrEnvironment;
        }

        await Write(output, "Next: review it, then commit it (requests use the configuration of the last commit):");
        await Write(output, $"  git -C {root} add {GateConfig.RelativePath} && git -C {root} commit -m \"Factory gate configuration\"");
        await Write(output, $"  factory run \"<what to build>\" --repo {root}");
        return ExitCodes.Approved;
    }

    /// <summary>The checkout's top level and last commit; a clear error for a folder that is not a git checkout with a commit.</summary>
    private static async Task<(string Root, string Commit)> CheckoutAsync(string folder, CancellationToken cancellationToken)
    {
        var top = await Git.RunAsync(folder, ["rev-parse", "--show-toplevel"], cancellationToken).ConfigureAwait(false);
        if (top.ExitCode != 0)
        {
            throw new RunnerException($"--repo {folder} is not a git repository ({top.Error.Trim()}). Pass the path of a git checkout, or make one: git init && git add -A && git commit -m initial.");
        }

        var root = top.Output.Trim();
        var head = await Git.RunAsync(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cancellationToken).ConfigureAwait(false);
        return head.ExitCode == 0
            ? (root, head.Output.Trim())
            : throw new RunnerException($"--repo {root} has no commit yet: factory init runs the gates on the last commit. Commit the project first (git add -A && git commit -m initial).");
    }

    private static async Task<(Dataflow.Gates.Baseline.GateBaseline? Run, string? Problem)> BaseRunAsync(
        string root, GateConfig config, IReadOnlyList<KeyValuePair<string, string?>> set, CancellationToken cancellationToken)
    {
        using var host = await RunnerHost.StartAsync(new RunnerSettings(root, RunsDirectory: null, OllamaUrl: null, Set: set), cancellationToken).ConfigureAwait(false);
        var preparation = new GateBaselinePreparation(host.Services.GetRequiredService<SandboxedRunner>(), host.Options().Gates);
        try
        {
            return (await preparation.GetAsync(root, config, cancellationToken).ConfigureAwait(false), null);
        }
        catch (GateEnvironmentException exception)
        {
            return (null, exception.Message);
        }
    }

    /// <summary>Writes beside the target and renames, so the checkout never holds half a file.</summary>
    private static void WriteWhole(string target, string text, bool overwrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, target, overwrite);
        }
        catch (IOException exception) when (!overwrite && File.Exists(target))
        {
            throw new RunnerException($"{target} appeared while factory init ran; nothing was replaced. Pass --force to replace it.", exception);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static Task Write(TextWriter output, string line) => output.WriteLineAsync(TerminalText.Escape(line));
}
