using System.Globalization;
using System.Text.RegularExpressions;

namespace Factory.Dataflow.Stages.Build.Views;

/// <summary>The lines of a file that a gate's output points at ("app/main.py:12: error ...", "File \".../app/main.py\", line 12").</summary>
internal static class FeedbackLocations
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public static IEnumerable<int> Lines(string path, string? feedback)
    {
        if (string.IsNullOrEmpty(feedback))
        {
            yield break;
        }

        var escaped = Regex.Escape(path);
        var pattern = new Regex($@"(?:^|[\s""'(/]){escaped}(?::(\d+)|"", line (\d+))", RegexOptions.Multiline, MatchTimeout);
        foreach (Match match in pattern.Matches(feedback))
        {
            var number = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            yield return int.Parse(number, CultureInfo.InvariantCulture);
        }
    }
}
