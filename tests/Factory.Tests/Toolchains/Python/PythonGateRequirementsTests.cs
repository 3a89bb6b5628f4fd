using Factory.Dataflow.Gates;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Tests.Toolchains.Python;

public class PythonGateRequirementsTests
{
    [Fact]
    public void The_default_gates_need_mypy_pytest_pytest_cov_and_ruff_and_nothing_of_the_projects_own()
    {
        Assert.Equal(["mypy", "pytest", "pytest_cov"], PythonGateRequirements.Modules(GateConfig.Default));
        Assert.Equal(["ruff"], PythonGateRequirements.Executables(GateConfig.Default));
    }

    [Fact]
    public void Configured_commands_decide_what_is_needed()
    {
        var config = GateConfig.Default with { Lint = ["flake8", "."], TypeCheck = ["python3", "-m", "pyright"], Test = ["python", "-m", "pytest", "-x"] };

        Assert.Equal(["pyright", "pytest", "pytest_cov"], PythonGateRequirements.Modules(config));
        Assert.Equal(["flake8"], PythonGateRequirements.Executables(config));
    }
}
