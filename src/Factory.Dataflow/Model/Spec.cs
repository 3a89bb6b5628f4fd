using System.Text;
using System.Text.Json.Serialization;

namespace Factory.Dataflow;

/// <summary>PLAN's output: what to build, how to tell it is done, and what to leave alone.</summary>
public sealed record Spec(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("acceptance_criteria")] IReadOnlyList<string> AcceptanceCriteria,
    [property: JsonPropertyName("out_of_scope")] IReadOnlyList<string> OutOfScope,
    [property: JsonPropertyName("constraints")] IReadOnlyList<string> Constraints)
{
    /// <summary>Renders the spec as Markdown, the form every later prompt quotes.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(Title).AppendLine();
        AppendSection(text, "Acceptance criteria", AcceptanceCriteria);
        AppendSection(text, "Out of scope", OutOfScope);
        AppendSection(text, "Constraints", Constraints);
        return text.ToString().TrimEnd() + "\n";
    }

    private static void AppendSection(StringBuilder text, string heading, IReadOnlyList<string> items)
    {
        text.Append("## ").AppendLine(heading);
        if (items.Count == 0)
        {
            text.AppendLine("- (none)");
        }

        foreach (var item in items)
        {
            text.Append("- ").AppendLine(item);
        }

        text.AppendLine();
    }
}
