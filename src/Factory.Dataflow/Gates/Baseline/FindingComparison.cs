namespace Factory.Dataflow.Gates.Baseline;

/// <summary>Splits a run's findings into those the base commit already had and those the change adds.</summary>
internal static class FindingComparison
{
    /// <summary>
    /// Compares by fingerprint as multisets: a fingerprint the base had twice covers two of today's, and a third is new.
    /// Among findings with the same fingerprint the later ones count as new (the base's come first in file order).
    /// </summary>
    public static (IReadOnlyList<Finding> New, int Known) Compare(IReadOnlyList<string> baseFingerprints, IReadOnlyList<Finding> current)
    {
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var fingerprint in baseFingerprints)
        {
            remaining[fingerprint] = remaining.GetValueOrDefault(fingerprint) + 1;
        }

        var added = new List<Finding>();
        var known = 0;
        foreach (var finding in current)
        {
            if (remaining.GetValueOrDefault(finding.Fingerprint) is > 0 and var left)
            {
                remaining[finding.Fingerprint] = left - 1;
                known++;
            }
            else
            {
                added.Add(finding);
            }
        }

        return (added, known);
    }
}
