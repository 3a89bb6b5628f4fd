using Factory.Dataflow.Chat.Preflight;
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
    public static async Task CheckAsync(IHost host, CancellationToken cancellationToken)
    {
        var options = host.Options();
        await CheckRepositoryAsync(host, options.Workspace.RepositoryPath).ConfigureAwait(false);
        await CheckGatesAsync(host, options.Gates.PythonInterpreter, cancellationToken).ConfigureAwait(false);
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

    private static async Task CheckGatesAsync(IHost host, string python, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("factory-preflight-");
        try
        {
            var runner = host.Services.GetRequiredService<SandboxedRunner>();
            var ruff = await runner.RunAsync(new SandboxCommand("ruff", ["--version"], scratch.FullName), cancellationToken).ConfigureAwait(false);
            Require(ruff, "ruff --version");
            var modules = await runner.RunAsync(
                new SandboxCommand(python, ["-c", "import mypy, pytest, pytest_cov, fastapi, httpx"], scratch.FullName), cancellationToken)
                .ConfigureAwait(false);
            Require(modules, $"{python} -c 'import mypy, pytest, pytest_cov, fastapi, httpx'");
        }
        catch (GateEnvironmentException exception)
        {
            throw new RunnerException($"A gate tool is missing: {exception.Message}", exception);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
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
