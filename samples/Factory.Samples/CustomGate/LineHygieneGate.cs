using System.Globalization;
using Factory.Dataflow;

namespace Factory.Samples.CustomGate;

/// <summary>
/// A VALIDATE gate for any language: it reads the change's diff (no interpreter, no sandbox) and fails on added lines
/// that are too long, end in whitespace or hold a merge-conflict marker. Its failure text goes back to BUILD as feedback,
/// exactly like ruff's output would.
/// </summary>
public sealed class LineHygieneGate(int maxLineLength = 100) : IFactoryStage
{
    /// <inheritdoc />
    public async ValueTask<StageResult> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var diff = await context.RequireWorkspace().GetDiffAsync(cancellationToken);
        var problems = new List<string>();
        var file = "?";
        var added = 0;
        foreach (var line in diff.Split('\n'))
        {
            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                file = line[4..].TrimStart('b', '/');
                continue;
            }

            if (!line.StartsWith('+'))
            {
                continue;
            }

            added++;
            var text = line[1..];
            if (text.Length > maxLineLength)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{file}: line of {text.Length} characters (at most {maxLineLength}): {text[..40]}..."));
            }

            if (text.Length > 0 && char.IsWhiteSpace(text[^1]))
            {
                problems.Add($"{file}: trailing whitespace: '{text}'");
            }

            if (text.StartsWith("<<<<<<<", StringComparison.Ordinal) || text.StartsWith(">>>>>>>", StringComparison.Ordinal))
            {
                problems.Add($"{file}: merge-conflict marker: '{text}'");
            }
        }

        // Shown in the attempt's trace line, so a run shows which gate judged it.
        context.Usage.SetExtra("gate", "line-hygiene");
        context.Usage.SetExtra("lines_checked", added);
        return problems.Count == 0
            ? StageResult.Success(detail: $"line hygiene: {added} added lines clean")
            : StageResult.Failure("line hygiene failed:\n" + string.Join('\n', problems));
    }
}
