using Microsoft.Extensions.Options;

namespace Factory.Dataflow.Hosting.Registration;

/// <summary>
/// Checks <see cref="FactoryOptions"/> with each part's own validation, collecting every problem (named by its
/// configuration key) so one start-up reports them all.
/// </summary>
internal sealed class FactoryOptionsValidator : IValidateOptions<FactoryOptions>
{
    public ValidateOptionsResult Validate(string? name, FactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Check(problems, () => options.Models.Validate());
        problems.AddRange(PipelineOptionsValidator.Validate(options.Pipeline).Select(p => "Factory:Pipeline: " + p));
        Check(problems, () => options.Workspace.ValidateAndCopy());
        Check(problems, () => options.Gates.ValidateAndCopy());
        Check(problems, () => options.Sandbox.ValidateAndCopy());
        if (options.ReplayCassette is { } cassette && !File.Exists(cassette))
        {
            problems.Add($"Factory:ReplayCassette '{cassette}' does not exist; record one with UseRecording, or unset it to ask Ollama.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Check(List<string> problems, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException exception)
        {
            // Each part's validation reports by throwing; here every message is collected instead.
            problems.Add(exception.Message);
        }
    }
}
