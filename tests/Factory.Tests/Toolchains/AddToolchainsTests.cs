using Factory.Dataflow.Hosting.Registration;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Toolchains.Python;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Tests.Toolchains;

public sealed class AddToolchainsTests
{
    [Fact]
    public void The_factory_registration_uses_the_python_toolchain_unless_told_otherwise()
    {
        var services = new ServiceCollection();
        services.AddFactoryPipeline(options => options.Workspace.RepositoryPath = Path.GetTempPath());
        using var provider = services.BuildServiceProvider();

        Assert.Same(ToolchainRegistry.Default, provider.GetRequiredService<ToolchainRegistry>());
        Assert.Same(ToolchainRegistry.Default, provider.GetRequiredService<GitWorkspaceProvider>().Toolchains);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_second_language_is_one_registration_before_or_after_the_factory_one(bool toolchainsFirst)
    {
        var services = new ServiceCollection();
        if (toolchainsFirst)
        {
            services.AddToolchains(toolchains => toolchains.AddPythonToolchain().AddToolchain(new NotesToolchain()));
        }

        services.AddFactoryPipeline(options => options.Workspace.RepositoryPath = Path.GetTempPath());
        if (!toolchainsFirst)
        {
            services.AddToolchains(toolchains => toolchains.AddPythonToolchain().AddToolchain(new NotesToolchain()));
        }

        using var provider = services.BuildServiceProvider();

        Assert.Equal(["notes", "python"], provider.GetRequiredService<ToolchainRegistry>().Names);
        Assert.Same(provider.GetRequiredService<ToolchainRegistry>(), provider.GetRequiredService<GitWorkspaceProvider>().Toolchains);
    }

    [Fact]
    public void An_invalid_set_of_toolchains_is_refused_at_registration()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => new ServiceCollection().AddToolchains(toolchains => toolchains.AddToolchain(new NotesToolchain()).AddToolchain(new NotesToolchain())));

        Assert.Contains("\"notes\" is registered twice", error.Message);
    }
}
