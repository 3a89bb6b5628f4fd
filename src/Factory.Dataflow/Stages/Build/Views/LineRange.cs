namespace Factory.Dataflow.Stages.Build.Views;

/// <summary>Lines <see cref="First"/>..<see cref="Last"/> of a file, 1-based and inclusive.</summary>
internal readonly record struct LineRange(int First, int Last)
{
    public int Count => Last - First + 1;

    /// <summary>This range grown by <paramref name="lines"/> on each side, kept within 1..<paramref name="lineCount"/>.</summary>
    public LineRange Widen(int lines, int lineCount) => new(Math.Max(1, First - lines), Math.Min(lineCount, Last + lines));

    /// <summary>Sorted ranges with overlapping or nearly touching ones (a gap of <paramref name="gap"/> lines or less) joined.</summary>
    public static List<LineRange> Merge(IEnumerable<LineRange> ranges, int gap = 2)
    {
        var merged = new List<LineRange>();
        foreach (var range in ranges.Where(r => r.Last >= r.First).OrderBy(r => r.First))
        {
            if (merged.Count > 0 && range.First <= merged[^1].Last + gap + 1)
            {
                merged[^1] = merged[^1] with { Last = Math.Max(merged[^1].Last, range.Last) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }
}
