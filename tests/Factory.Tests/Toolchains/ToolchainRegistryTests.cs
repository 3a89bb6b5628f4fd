using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;

namespace Factory.Tests.Toolchains;

public sealed class ToolchainRegistryTests
{
    private static readonly ToolchainRegistry Both = NotesToolchain.WithPython();

    [Fact]
    public void A_configuration_that_names_no_toolchain_gets_python()
    {
        var config = GateConfig.Parse("{}");

        Assert.Equal("python", config.Toolchain);
        Assert.Equal("python", ToolchainRegistry.Default.For(config).Name);
        Assert.Equal(["python"], ToolchainRegistry.Default.Names);
    }

    [Fact]
    public void A_configuration_picks_a_registered_toolchain_by_name()
    {
        Assert.IsType<NotesToolchain>(Both.For(GateConfig.Parse("{\"toolchain\": \"notes\"}")));
        Assert.Equal("python", Both.For(GateConfig.Parse("{\"toolchain\": \"python\"}")).Name);
    }

    [Fact]
    public void An_unknown_toolchain_is_a_configuration_error_that_names_the_registered_ones()
    {
        var config = GateConfig.Parse("{\"toolchain\": \"rust\"}");

        var error = Assert.Throws<GateEnvironmentException>(() => Both.For(config));

        Assert.Equal(
            ".factory/gates.json is not valid: toolchain \"rust\" is not registered; the registered toolchains are \"notes\", \"python\".",
            error.Message);
    }

    [Theory]
    [InlineData("{\"toolchain\": \"\"}")]
    [InlineData("{\"toolchain\": \"  \"}")]
    public void A_blank_toolchain_name_is_refused_when_the_configuration_is_read(string json)
    {
        var error = Assert.Throws<GateEnvironmentException>(() => GateConfig.Parse(json));

        Assert.Contains("toolchain must name a registered toolchain", error.Message);
    }

    [Fact]
    public void The_builder_refuses_an_empty_registry_and_a_name_registered_twice()
    {
        var empty = Assert.Throws<InvalidOperationException>(() => new ToolchainRegistryBuilder().Build());
        var twice = Assert.Throws<InvalidOperationException>(() => new ToolchainRegistryBuilder().AddPythonToolchain().AddPythonToolchain().Build());

        Assert.Contains("AddPythonToolchain()", empty.Message);
        Assert.Contains("\"python\" is registered twice", twice.Message);
    }

    [Fact]
    public void The_python_toolchain_can_be_registered_under_another_name()
    {
        var registry = new ToolchainRegistryBuilder().AddPythonToolchain(options => options.Name = "python3.11").Build();

        var python = registry.Get("python3.11");

        Assert.Equal(["python3.11"], registry.Names);
        Assert.IsType<PythonSyntaxChecker>(python.CreateSyntaxChecker(new SandboxedRunner(new SandboxOptions()), new GateOptions()));
        Assert.Throws<GateEnvironmentException>(() => registry.For(GateConfig.Default));
    }
}
