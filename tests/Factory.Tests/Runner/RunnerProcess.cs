using System.Diagnostics;
using System.Text;
using Factory.Tests.Support;

namespace Factory.Tests.Runner;

/// <summary>
/// The real <c>factory</c> command line, built once per test run with <c>dotnet build src/Factory.Runner -o DIR</c>
/// and run as <c>dotnet DIR/Factory.Runner.dll ...</c>, with CI=true (plain progress lines) and the state folder of the
/// test's sample repository.
/// </summary>
public sealed class RunnerProcess : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);
    private readonly TempDirectory _output = new("factory-runner-bin");

    public RunnerProcess()
    {
        var build = Start("dotnet", ["build", Path.Combine(SampleRepo.RepositoryRoot(), "src", "Factory.Runner"), "-o", _output.Path, "-nologo", "-v", "q"], null);
        var result = build.WaitAsync(TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building Factory.Runner failed:\n{result.Output}\n{result.Error}");
        }

        Dll = Path.Combine(_output.Path, "Factory.Runner.dll");
    }

    public string Dll { get; }

    /// <summary>Runs the runner to its end.</summary>
    public Task<RunResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        StartRunner(environment, arguments).WaitAsync(Generous);

    /// <summary>Runs the runner to its end in <paramref name="workingDirectory"/>.</summary>
    public Task<RunResult> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Start("dotnet", [Dll, .. arguments], environment, workingDirectory).WaitAsync(Generous);

    /// <summary>Starts the runner; the caller waits for it or kills it.</summary>
    public Running StartRunner(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Start("dotnet", [Dll, .. arguments], environment);

    public void Dispose() => _output.Dispose();

    /// <summary>Starts <paramref name="file"/> (e.g. a wrapper that measures the runner) with the runner's environment.</summary>
    public static Running Start(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CI"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new Running(Process.Start(start)!);
    }

    /// <summary>A started process whose output is collected as it comes.</summary>
    public sealed class Running : IDisposable
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly MemoryStream _rawStdout = new();
        private readonly MemoryStream _rawStderr = new();
        private readonly Task _reading;
        private readonly List<(Func<string, bool> Done, TaskCompletionSource Signal)> _waiters = [];

        internal Running(Process process)
        {
            Process = process;
            process.StandardInput.Close();
            _reading = Task.WhenAll(Pump(process.StandardOutput, _stdout, _rawStdout), Pump(process.StandardError, _stderr, _rawStderr));
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_stdout)
                {
                    return _stdout.ToString();
                }
            }
        }

        /// <summary>Completes once the output so far satisfies <paramref name="done"/>, checked as each line arrives.</summary>
        public async Task WaitForOutputAsync(Func<string, bool> done, TimeSpan timeout)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_stdout)
            {
                if (done(_stdout.ToString()))
                {
                    return;
                }

                _waiters.Add((done, signal));
            }

            await signal.Task.WaitAsync(timeout);
        }

        public async Task<RunResult> WaitAsync(TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await Process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The process did not end within {timeout}. Output so far:\n{Output}\n{_stderr}");
            }

            await _reading;
            return new RunResult(Process.ExitCode, Output, _stderr.ToString(), _rawStdout.ToArray(), _rawStderr.ToArray());
        }

        /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
        public void Interrupt()
        {
            using var kill = Process.Start("kill", ["-INT", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private async Task Pump(StreamReader reader, StringBuilder into, MemoryStream raw)
        {
            // The bytes exactly as the process wrote them (a line reader would take a lone carriage return for a line
            // end), decoded as they come for the text views.
            var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();
            var bytes = new byte[16 * 1024];
            var chars = new char[bytes.Length + 1];
            int read;
            while ((read = await reader.BaseStream.ReadAsync(bytes)) > 0)
            {
                raw.Write(bytes, 0, read);
                var count = decoder.GetChars(bytes, 0, read, chars, 0);
                lock (into)
                {
                    into.Append(chars, 0, count);
                    if (ReferenceEquals(into, _stdout))
                    {
                        var text = into.ToString();
                        foreach (var waiter in _waiters.Where(w => w.Done(text)).ToList())
                        {
                            _waiters.Remove(waiter);
                            waiter.Signal.TrySetResult();
                        }
                    }
                }
            }
        }
    }
}

/// <summary>How a runner process ended: its exit code, its output as text, and the same output as the bytes it wrote.</summary>
public sealed record RunResult(int ExitCode, string Output, string Error, byte[] RawOutput, byte[] RawError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

[CollectionDefinition(Name)]
public sealed class RunnerGroup : ICollectionFixture<RunnerProcess>
{
    // The runner tests share one build of the runner and run one at a time: each starts real gates on two cores.
    public const string Name = "Runner process";
}
