using Factory.Dataflow.Chat.Preflight;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Runner.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Factory.Runner.Hosting;

/// <summary>
/// Everything that must hold before the first request starts, so nothing fails half-way for a reason the user could
/// have fixed first: a git repository, the gates' tools, and (unless replaying) Ollama with every configured model.
/// </summary>
internal static class EnvironmentPreflight
{
    /// <returns>The gate configuration the requests will use (the committed file, or what detection chose), to tell the user.</returns>
    public static async Task<ResolvedGateConfig> CheckAsync(IHost host, CancellationToken cancellationToken)
    {
        var options = host.Options();
        await CheckRepositoryAsync(host, options.Workspace.RepositoryPath).ConfigureAwait(false);
        var gates = await CheckGatesAsync(host, options.Workspace.RepositoryPath, options.Gates.PythonInterpreter, cancellationToken).ConfigureAwait(false);
        if (options.ReplayCassette is null)
        {
            try
            {
                await OllamaPreflight.CheckAsync(options.Models, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (OllamaPreflightException exception)
            {
                throw new RunnerException(
                    exception.Message + "\nStart it with 'ollama serve', or point --ollama (or Factory__Ollama__BaseUrl) at a running server.",
                    exception);
            }
        }

        return gates;
    }

    private static async Task CheckRepositoryAsync(IHost host, string repository)
    {
        try
        {
            // Starting the provider inspects the repository and cleans what a killed run left behind.
            await host.Services.GetRequiredService<GitWorkspaceProvider>().StartAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or GitCommandException)
        {
            throw new RunnerException(
                $"{repository} cannot be used as the repository: {exception.Message}\n" +
                "Pass --repo with the path of a git checkout that has at least one commit (git init && git add -A && git commit).",
                exception);
        }
    }

    private static async Task<ResolvedGateConfig> CheckGatesAsync(IHost host, string repository, string python, CancellationToken cancellationToken)
    {
        // Every request's worktree starts from the base commit, so a configuration only in the checkout would be ignored:
        // say so and stop, rather than judge the change by settings the user did not mean (see README, "Gate configuration").
        if (await GateConfigResolver.UncommittedChangeAsync(repository, cancellationToken).ConfigureAwait(false) is { } change)
        {
            throw new RunnerException(
                $"{GateConfig.RelativePath} {change}: every request starts from the last commit, so the gates would not use it. " +
                $"Commit it (git add {GateConfig.RelativePath} && git commit -m \"Factory gate configuration\"), " +
                $"or, to run with the last commit's configuration instead, drop the change (git checkout -- {GateConfig.RelativePath}, " +
                "or move an untracked file away).");
        }

        ResolvedGateConfig gates;
        try
        {
            gates = await GateConfigResolver.ResolveAsync(repository, cancellationToken).ConfigureAwait(false);
            host.Services.GetRequiredService<ToolchainRegistry>().For(gates.Config);
        }
        catch (GateEnvironmentException exception)
        {
            throw new RunnerException($"The gate configuration of {repository} cannot be used: {exception.Message}", exception);
        }

        var scratch = Directory.CreateTempSubdirectory("factory-preflight-");
        try
        {
            // Only what the configured gates run: a Flask project's gates need no fastapi or httpx.
            var runner = host.Services.GetRequiredService<SandboxedRunner>();
            foreach (var executable in PythonGateRequirements.Executables(gates.Config))
            {
                var version = await runner.RunAsync(new SandboxCommand(executable, ["--version"], scratch.FullName), cancellationToken).ConfigureAwait(false);
                Require(version, $"{executable} --version");
            }

            var modules = PythonGateRequirements.Modules(gates.Config);
            if (modules.Count > 0)
            {
                var import = "import " + string.Join(", ", modules);
                var result = await runner.RunAsync(new SandboxCommand(python, ["-c", import], scratch.FullName), cancellationToken).ConfigureAwait(false);
                Require(result, $"{python} -c '{import}'");
            }
        }
        catch (GateEnvironmentException exception)
        {
            throw new RunnerException($"A gate tool is missing: {exception.Message}", exception);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        return gates;
    }

    private static void Require(SandboxResult result, string command)
    {
        if (result.ExitCode != 0)
        {
            throw new RunnerException(
                $"A gate tool is missing or broken: '{command}' exited with {result.ExitCode}:\n{result.Output.Trim()}\n" +
                "Install the gates' tools with: bash scripts/setup-gates.sh");
        }
    }
}
