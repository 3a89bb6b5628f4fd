using System.Diagnostics;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;

namespace Factory.Benchmarks.Support;

/// <summary>
/// Whether the real gates can run here: git, bubblewrap, ruff, and Debian's Python with mypy, pytest, pytest-cov,
/// FastAPI and httpx (scripts/setup-gates.sh installs them). Benchmarks on real gates are filtered out with one clear
/// line when something is missing, so a dry run on a bare CI machine still passes.
/// </summary>
internal static class GateTools
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>A filter that drops its class's benchmarks, saying why once, when the tools are missing.</summary>
    public static IFilter Filter(string question) => new SimpleFilter(benchmark => Available(question));

    private static bool Available(string question)
    {
        if (Missing.Value is not { } missing)
        {
            return true;
        }

        lock (Missing)
        {
            if (Reported.Add(question))
            {
                Console.WriteLine($"// Skipping {question}: {missing} (run scripts/setup-gates.sh to install the gates).");
            }
        }

        return false;
    }

    private static readonly HashSet<string> Reported = [];

    private static string? FindMissing()
    {
        if (!File.Exists("/usr/bin/bwrap"))
        {
            return "bubblewrap (/usr/bin/bwrap) is not installed";
        }

        if (!Runs("git", "--version"))
        {
            return "git is not installed";
        }

        if (!Runs("ruff", "--version"))
        {
            return "ruff is not on PATH";
        }

        return Runs("/usr/bin/python3", "-c", "import mypy, pytest, pytest_cov, fastapi, httpx")
            ? null
            : "/usr/bin/python3 lacks mypy, pytest, pytest-cov, fastapi or httpx";
    }

    private static bool Runs(string executable, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed at all.
            return false;
        }
    }
}
