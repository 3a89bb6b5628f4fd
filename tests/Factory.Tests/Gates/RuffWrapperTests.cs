using System.Diagnostics;
using System.Text.Json;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

/// <summary>
/// tools/ruff's WebAssembly wrapper agrees with native ruff where the WebAssembly build alone cannot: it knows the
/// project's own packages (for isort), applies the project's settings, and takes ordinary <c>ruff check</c> options.
/// The expectations are native ruff's documented behaviour (no native ruff is installable on this machine to compare).
/// </summary>
public sealed class RuffWrapperTests
{
    // Native ruff (isort) separates first-party imports (the project's own packages, found on disk) from third-party ones.
    private const string Sorted = "import fastapi\n\nimport app\n\nprint(fastapi, app)\n";
    private const string OneBlock = "import fastapi\nimport app\n\nprint(fastapi, app)\n";

    [Theory]
    [InlineData("app/__init__.py", "")]
    [InlineData("src/app/__init__.py", "")]
    [InlineData("app.py", "VALUE = 1\n")]
    public async Task The_projects_own_packages_are_first_party_as_native_ruff_finds_them_on_disk(string module, string content)
    {
        using var project = new TempDirectory("factory-ruff");
        Write(project.Path, module, content);
        Write(project.Path, "pyproject.toml", "[tool.ruff.lint]\nselect = [\"I\"]\n");

        Write(project.Path, "main.py", Sorted);
        var sorted = await RuffAsync(project.Path, "check", ".");
        Write(project.Path, "main.py", OneBlock);
        var oneBlock = await RuffAsync(project.Path, "check", ".");

        Assert.True(sorted.ExitCode == 0, sorted.Output);
        Assert.Equal(1, oneBlock.ExitCode);
        Assert.Contains("main.py:1:1: I001 [*] Import block is un-sorted or un-formatted", oneBlock.Output);
    }

    [Fact]
    public async Task The_projects_ruff_toml_settings_and_per_file_ignores_apply()
    {
        using var project = new TempDirectory("factory-ruff");
        Write(project.Path, "ruff.toml", "line-length = 20\n[lint]\nselect = [\"E501\", \"F401\"]\n[lint.per-file-ignores]\n\"legacy/*\" = [\"F401\"]\n");
        Write(project.Path, "pkg/long.py", "VALUE = 'a string longer than twenty'\n");
        Write(project.Path, "legacy/old.py", "import os\n");

        var result = await RuffAsync(project.Path, "check", ".");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pkg/long.py:1:21: E501 Line too long (37 > 20)", result.Output);
        Assert.DoesNotContain("legacy/old.py", result.Output);
    }

    [Fact]
    public async Task Ordinary_ruff_check_options_select_ignore_output_format_and_paths_work()
    {
        using var project = new TempDirectory("factory-ruff");
        Write(project.Path, "a/one.py", "import os\nimport sys\n");
        Write(project.Path, "b/two.py", "import os\n");

        var selected = await RuffAsync(project.Path, "check", "--select", "F401", "--ignore=E", "--output-format", "json", "a");
        var exitZero = await RuffAsync(project.Path, "check", "--exit-zero", "--output-format=concise", "b/two.py");
        var fix = await RuffAsync(project.Path, "check", "--fix", ".");
        var unknown = await RuffAsync(project.Path, "check", "--no-such-option", ".");

        Assert.Equal(1, selected.ExitCode);
        var findings = JsonDocument.Parse(selected.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["F401", "F401"], findings.Select(f => f.GetProperty("code").GetString()));
        Assert.All(findings, f => Assert.EndsWith("a/one.py", f.GetProperty("filename").GetString()));
        Assert.Equal(0, exitZero.ExitCode);
        Assert.Contains("b/two.py:1:8: F401 [*] `os` imported but unused", exitZero.Output);
        Assert.Equal(2, fix.ExitCode);
        Assert.Contains("--fix is not supported here", fix.Output);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unexpected argument '--no-such-option'", unknown.Output);
    }

    private static void Write(string root, string relative, string content)
    {
        var full = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Runs this checkout's wrapper with node, its modules from tools/ruff or from the installed copy.</summary>
    private static async Task<(int ExitCode, string StandardOutput, string Output)> RuffAsync(string workingDirectory, params string[] arguments)
    {
        var tools = Path.Combine(SampleRepo.RepositoryRoot(), "tools", "ruff");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var flag in new[] { "--no-wasm-tier-up", "--no-wasm-dynamic-tiering", Path.Combine(tools, "bin", "ruff.js") }.Concat(arguments))
        {
            start.ArgumentList.Add(flag);
        }

        var modules = Directory.Exists(Path.Combine(tools, "node_modules", "@astral-sh")) ? Path.Combine(tools, "node_modules") : "/usr/local/lib/factory-ruff/node_modules";
        start.Environment["NODE_PATH"] = modules;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stdout + await stderr);
    }
}
