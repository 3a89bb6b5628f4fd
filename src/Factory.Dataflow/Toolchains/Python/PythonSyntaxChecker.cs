using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;

namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// BUILD's eval: compiles the written Python files with Python's own parser (in the sandbox, without running them) and
/// returns the parser's message for the first broken ones, or null when all parse. Files that are not Python source
/// (<see cref="PythonFiles.IsSource"/>) are skipped.
/// </summary>
public sealed class PythonSyntaxChecker : ISyntaxChecker
{
    // compile() parses without executing; SyntaxError (and its subclasses) is printed the way Python prints it.
    private const string Script = """
        import sys, traceback
        failed = 0
        for path in sys.argv[1:]:
            try:
                with open(path, "rb") as source:
                    compile(source.read(), path, "exec", dont_inherit=True)
            except SyntaxError as error:
                sys.stdout.write("".join(traceback.format_exception_only(type(error), error)))
                failed = 1
            except (OSError, ValueError) as error:
                sys.stdout.write(f"{path}: {error}\n")
                failed = 1
        sys.exit(failed)
        """;

    private readonly SandboxedRunner _runner;
    private readonly GateOptions _options;

    /// <summary>Creates the checker.</summary>
    /// <param name="runner">The sandboxed runner the parser runs in.</param>
    /// <param name="options">The interpreter and timeout; validated and copied here.</param>
    public PythonSyntaxChecker(SandboxedRunner runner, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _runner = runner;
        _options = options.ValidateAndCopy();
    }

    /// <inheritdoc />
    public async ValueTask<string?> CheckAsync(string root, IReadOnlyList<string> relativePaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relativePaths);
        var python = relativePaths.Where(PythonFiles.Instance.IsSource).ToList();
        if (python.Count == 0)
        {
            return null;
        }

        var command = new SandboxCommand(_options.PythonInterpreter, ["-I", "-c", Script, .. python], root)
        {
            Timeout = _options.SyntaxCheckTimeout,
            ReadOnlyPaths = [".", ".git"],
        };
        var result = await _runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.ExitCode switch
        {
            0 => null,
            1 => result.Output,
            _ => throw new GateEnvironmentException(
                $"The Python syntax check with {_options.PythonInterpreter} failed on its own (exit {result.ExitCode}):\n{result.Output}"),
        };
    }
}
