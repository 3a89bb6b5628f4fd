namespace Factory.Dataflow.Stages.Build.Edits;

/// <summary>
/// How alike two lines are, 0 to 1: the Dice coefficient of their character pairs (bigrams), after trimming. Cheap enough
/// to compare every window of a large file with a passage when looking for the closest one.
/// </summary>
internal static class LineSimilarity
{
    /// <summary>The sorted bigrams of <paramref name="line"/>, trimmed; a one-character line is its own single "bigram".</summary>
    public static int[] Bigrams(string line)
    {
        var text = line.AsSpan().Trim();
        if (text.Length == 0)
        {
            return [];
        }

        if (text.Length == 1)
        {
            return [text[0]];
        }

        var pairs = new int[text.Length - 1];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = (text[i] << 16) | text[i + 1];
        }

        Array.Sort(pairs);
        return pairs;
    }

    /// <summary>The Dice coefficient of two sorted bigram lists; two blank lines are alike (1).</summary>
    public static double Dice(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 1 : 0;
        }

        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return 2.0 * shared / (a.Length + b.Length);
    }
}
