using System.Text.Json;
using System.Text.Json.Serialization;

namespace Factory.Dataflow.Reporting;

/// <summary>Renders a <see cref="RunReport"/> as indented JSON with snake_case names, the same fields as the Markdown.</summary>
public static class JsonReportRenderer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The report as JSON.</summary>
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var document = new
        {
            report.RunsDirectory,
            report.Requests,
            report.Unfinished,
            Stages = report.Stages.Select(s => new
            {
                s.Stage, s.Attempts, s.P50Ms, s.P95Ms, s.CpuMs, s.MeanCpuMs, s.TokensIn, s.TokensOut, s.Cost, s.Retries, s.EvalFailures,
                EvalFailureRate = Math.Round(s.EvalFailureRate, 4),
            }),
            report.BuildPromptBytes,
            report.Outcomes,
            report.FlakiestStage,
            report.MostBuildAttempts,
            report.Problems,
            report.Workers,
        };
        return JsonSerializer.Serialize(document, Options);
    }
}
