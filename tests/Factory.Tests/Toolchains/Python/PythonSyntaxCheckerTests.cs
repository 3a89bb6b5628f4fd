using Factory.Dataflow;
using Factory.Dataflow.Toolchains.Python;
using Factory.Tests.Gates;

namespace Factory.Tests.Toolchains.Python;

public sealed class PythonSyntaxCheckerTests
{
    [Fact]
    public async Task Files_that_parse_give_no_message_and_a_broken_one_gives_pythons_own()
    {
        await using var gates = await GateFixture.CreateAsync();
        await gates.BuildAsync(new FileEdit("app/good.py", "x: int = 1\n"), new FileEdit("app/bad.py", "def f(:\n    pass\n"));
        var checker = new PythonSyntaxChecker(gates.Runner, gates.Options);

        var clean = await checker.CheckAsync(gates.Workspace.RootPath, ["app/good.py", "README.md"], CancellationToken.None);
        var broken = await checker.CheckAsync(gates.Workspace.RootPath, ["app/good.py", "app/bad.py"], CancellationToken.None);

        Assert.Null(clean);
        Assert.NotNull(broken);
        Assert.Contains("File \"app/bad.py\", line 1", broken);
        Assert.Contains("SyntaxError", broken);
    }
}
