using System.Text;
using Factory.Dataflow.Hosting.Registration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Factory.Tests.Hosting.Registration;

public sealed class ProtectedSettingsTests
{
    [Fact]
    public void Every_setting_that_confines_or_chooses_the_gate_tools_is_found_whatever_its_case_or_shape()
    {
        var provider = Json("""
            {
              "factory": {
                "sandbox": { "allowUnsandboxed": true, "BubblewrapPath": "/tmp/bwrap", "AllowedExecutables": ["/bin/sh", "/usr/bin/curl"] },
                "Gates": { "PythonInterpreter": "/tmp/python3", "TestTimeout": "00:10:00" },
                "Workspace": { "StateDirectory": "/tmp/state", "PythonInterpreter": "/tmp/python3" },
                "Stages": { "Build": { "Model": "m" } }
              }
            }
            """);

        var keys = ProtectedSettings.SetBy(provider);

        Assert.Equal(
            ["Factory:Gates:PythonInterpreter", "Factory:Sandbox:AllowedExecutables:0", "Factory:Sandbox:AllowedExecutables:1",
             "Factory:Sandbox:allowUnsandboxed", "Factory:Sandbox:BubblewrapPath", "Factory:Workspace:PythonInterpreter"],
            keys.Order(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Settings_that_only_place_factorys_own_folders_or_tune_the_models_are_not_protected()
    {
        var provider = Json("""{ "Factory": { "Workspace": { "StateDirectory": "/tmp/s" }, "Gates": { "MypyCacheDirectory": "/tmp/m" }, "Ollama": { "BaseUrl": "http://x" } } }""");

        Assert.Empty(ProtectedSettings.SetBy(provider));
        Assert.Null(ProtectedSettings.Covering("Factory:SandboxExtra"));
        Assert.Equal("Factory:Sandbox", ProtectedSettings.Covering("FACTORY:SANDBOX:SearchPath")?.Key);
    }

    private static JsonStreamConfigurationProvider Json(string json)
    {
        var provider = new JsonStreamConfigurationProvider(new JsonStreamConfigurationSource());
        provider.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        return provider;
    }
}
