using Factory.Dataflow.Gates;

namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// What the configured gates need installed before anything runs: the Python modules their commands run as (mypy,
/// pytest, and pytest-cov, since TEST measures coverage) and the other executables they call (ruff). Only what the
/// configuration uses: a project's own dependencies (fastapi, flask, ...) are not the gates' and are not listed.
/// </summary>
public static class PythonGateRequirements
{
    private static readonly HashSet<string> PythonModules = new(StringComparer.Ordinal) { "mypy", "pytest", "coverage" };

    /// <summary>The modules the gates import, in a stable order, e.g. <c>mypy, pytest, pytest_cov</c>.</summary>
    public static IReadOnlyList<string> Modules(GateConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var modules = new List<string>();
        foreach (var command in new[] { config.Lint, config.EffectiveTypeCheck, config.Test })
        {
            if (Module(command) is { } module && !modules.Contains(module))
            {
                modules.Add(module);
            }
        }

        // TEST adds --cov to its pytest command and reads the coverage report.
        if (Module(config.Test) == "pytest")
        {
            modules.Add("pytest_cov");
        }

        return modules;
    }

    /// <summary>The executables the gates call that are not Python modules, e.g. <c>ruff</c>.</summary>
    public static IReadOnlyList<string> Executables(GateConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. new[] { config.Lint, config.EffectiveTypeCheck, config.Test }
            .Where(c => Module(c) is null && c[0] is not ("python" or "python3"))
            .Select(c => c[0])
            .Distinct(StringComparer.Ordinal)];
    }

    private static string? Module(IReadOnlyList<string> command)
    {
        if (PythonModules.Contains(command[0]))
        {
            return command[0];
        }

        var m = command.ToList().IndexOf("-m");
        return command[0] is "python" or "python3" && m >= 0 && m + 1 < command.Count ? command[m + 1] : null;
    }
}
