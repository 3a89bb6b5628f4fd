using System.Collections.Concurrent;
using System.Collections.Frozen;
using CliWrap;
using CliWrap.Buffered;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// The top-level module names a new file must not take: the configured interpreter's standard library
/// (<c>sys.stdlib_module_names</c>) and the top-level packages of its installed distributions
/// (<c>importlib.metadata.packages_distributions()</c>), which the gates' tools and the project import. Asked of the
/// interpreter once per process and interpreter, then cached.
/// </summary>
internal static class ShadowedModules
{
    private const string Script =
        "import sys, importlib.metadata as m\n" +
        "names = set(sys.stdlib_module_names) | {n.split('/')[0] for n in m.packages_distributions()}\n" +
        "print('\\n'.join(sorted(n for n in names if n.isidentifier())))\n";

    private static readonly ConcurrentDictionary<string, Lazy<Task<FrozenSet<string>>>> s_cache = new(StringComparer.Ordinal);

    /// <exception cref="InvalidOperationException">The interpreter could not be run or failed; the message says how.</exception>
    public static Task<FrozenSet<string>> ForInterpreterAsync(string interpreter) =>
        s_cache.GetOrAdd(interpreter, static python => new Lazy<Task<FrozenSet<string>>>(() => AskAsync(python))).Value;

    private static async Task<FrozenSet<string>> AskAsync(string interpreter)
    {
        BufferedCommandResult result;
        try
        {
            // -I: the interpreter's own paths only (no PYTHON* variables, no user site, not the current folder).
            result = await Cli.Wrap(interpreter)
                .WithArguments(["-I", "-c", Script])
                .WithWorkingDirectory("/")
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"{interpreter} could not be run to list the modules new files may not shadow (GitWorkspaceOptions.PythonInterpreter): {exception.Message}",
                exception);
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{interpreter} failed listing its standard library and installed packages (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToFrozenSet(StringComparer.Ordinal);
    }
}
