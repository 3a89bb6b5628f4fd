using Factory.Dataflow.Hosting.Registration;
using Factory.Dataflow.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Factory.Tests.Sandbox;

public sealed class SandboxOptionsTests
{
    public static TheoryData<string, Action<SandboxOptions>> BadOptions => new()
    {
        { "MemoryLimitBytes", o => o.MemoryLimitBytes = 1024 },
        { "MaxProcesses", o => o.MaxProcesses = 2 },
        { "CpuTimeLimit", o => o.CpuTimeLimit = TimeSpan.FromMilliseconds(10) },
        { "CpuCores", o => o.CpuCores = -1 },
        { "CpuCores", o => o.CpuCores = 0.001 },
        { "CpuCores", o => o.CpuCores = double.NaN },
        { "MaxFileSizeBytes", o => o.MaxFileSizeBytes = 0 },
        { "MaxOpenFiles", o => o.MaxOpenFiles = 3 },
        { "TmpSizeBytes", o => o.TmpSizeBytes = -1 },
        { "ScratchSizeBytes", o => o.ScratchSizeBytes = 10 },
        { "SandboxUserIdStart", o => o.SandboxUserIdStart = 0 },
        { "SandboxUserIdStart", o => o.SandboxUserIdCount = 0 },
        { "SandboxUserIdStart", o => o.SandboxUserIdStart = uint.MaxValue - 10 },
        { "Seccomp", o => o.Seccomp = (SandboxRequirement)7 },
        { "LauncherInterpreter", o => o.LauncherInterpreter = "python3" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void An_out_of_range_bound_is_refused_once_with_its_name(string name, Action<SandboxOptions> spoil)
    {
        var options = new SandboxOptions();
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => new SandboxedRunner(options));

        Assert.Contains($"SandboxOptions.{name}", error.Message);
    }

    [Fact]
    public void Validation_copies_every_option_so_later_changes_do_not_reach_a_runner()
    {
        var options = new SandboxOptions
        {
            MemoryLimitBytes = 1L << 30, MaxProcesses = 64, CpuTimeLimit = TimeSpan.FromSeconds(9), MaxFileSizeBytes = 1L << 21,
            MaxOpenFiles = 99, TmpSizeBytes = 1L << 22, ScratchSizeBytes = 1L << 23, SandboxUserIdStart = 5000, SandboxUserIdCount = 3,
            UserNamespace = SandboxRequirement.Required, Seccomp = SandboxRequirement.IfAvailable, Cgroups = SandboxRequirement.Off,
        };

        options.CpuCores = 0.5;
        var copy = options.ValidateAndCopy();
        options.MaxProcesses = 1;
        options.CpuCores = 2;

        Assert.Equal(0.5, copy.CpuCores);
        Assert.Equal(
            (1L << 30, 64, TimeSpan.FromSeconds(9), 1L << 21, 99, 1L << 22, 1L << 23, 5000u, 3),
            (copy.MemoryLimitBytes, copy.MaxProcesses, copy.CpuTimeLimit, copy.MaxFileSizeBytes, copy.MaxOpenFiles, copy.TmpSizeBytes,
                copy.ScratchSizeBytes, copy.SandboxUserIdStart, copy.SandboxUserIdCount));
        Assert.Equal((SandboxRequirement.Required, SandboxRequirement.IfAvailable, SandboxRequirement.Off), (copy.UserNamespace, copy.Seccomp, copy.Cgroups));
    }

    [Fact]
    public void The_bounds_and_layers_bind_from_the_factory_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Factory:Workspace:RepositoryPath"] = "/tmp",
            ["Factory:Sandbox:MemoryLimitBytes"] = "536870912",
            ["Factory:Sandbox:MaxProcesses"] = "64",
            ["Factory:Sandbox:CpuTimeLimit"] = "00:00:30",
            ["Factory:Sandbox:CpuCores"] = "0.5",
            ["Factory:Sandbox:MaxFileSizeBytes"] = "1048576",
            ["Factory:Sandbox:MaxOpenFiles"] = "256",
            ["Factory:Sandbox:TmpSizeBytes"] = "2097152",
            ["Factory:Sandbox:ScratchSizeBytes"] = "3145728",
            ["Factory:Sandbox:SandboxUserIdStart"] = "200000",
            ["Factory:Sandbox:SandboxUserIdCount"] = "8",
            ["Factory:Sandbox:UserNamespace"] = "Required",
            ["Factory:Sandbox:Seccomp"] = "IfAvailable",
            ["Factory:Sandbox:Cgroups"] = "Off",
            ["Factory:Sandbox:LauncherInterpreter"] = "/usr/bin/python3.11",
        }).Build();
        var services = new ServiceCollection();
        services.AddFactoryPipeline(configuration);

        var sandbox = services.BuildServiceProvider().GetRequiredService<IOptions<FactoryOptions>>().Value.Sandbox;

        Assert.Equal(
            (536870912L, 64, TimeSpan.FromSeconds(30), 1048576L, 256, 2097152L, 3145728L, 200000u, 8),
            (sandbox.MemoryLimitBytes, sandbox.MaxProcesses, sandbox.CpuTimeLimit, sandbox.MaxFileSizeBytes, sandbox.MaxOpenFiles,
                sandbox.TmpSizeBytes, sandbox.ScratchSizeBytes, sandbox.SandboxUserIdStart, sandbox.SandboxUserIdCount));
        Assert.Equal(
            (SandboxRequirement.Required, SandboxRequirement.IfAvailable, SandboxRequirement.Off, "/usr/bin/python3.11"),
            (sandbox.UserNamespace, sandbox.Seccomp, sandbox.Cgroups, sandbox.LauncherInterpreter));
        Assert.Equal(0.5, sandbox.CpuCores);
    }
}
