namespace FastLb.Policy.Selection;

/// <summary>Draws distinct random eligible backends (available and not excluded) for the sampling policies.</summary>
/// <remarks>
/// A few random draws first, then a wrapping scan from the last draw, so the cost is bounded
/// even when most backends are out. The scan gives the backend just after an unavailable one a
/// slightly larger chance; it only matters while backends are out, and a uniform draw over the
/// eligible ones would need a pass over the pool on every pick.
/// </remarks>
internal static class CandidateSampler
{
    private const int Draws = 3;

    /// <summary>True when <paramref name="index"/> may be picked.</summary>
    public static bool IsEligible(ReadOnlySpan<BackendState> backends, int index, int excludeIndex)
        => index != excludeIndex && backends[index].IsAvailable;

    /// <summary>One random eligible backend, or -1 when none is.</summary>
    public static int PickOne(ReadOnlySpan<BackendState> backends, int excludeIndex, SplitMix64Random random)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return -1;
        }

        int index = 0;
        for (int draw = 0; draw < Draws; draw++)
        {
            index = random.NextInt(count);
            if (IsEligible(backends, index, excludeIndex))
            {
                return index;
            }
        }

        return ScanFrom(backends, index, excludeIndex, -1);
    }

    /// <summary>Two distinct random eligible backends; <paramref name="second"/> is -1 when only one is eligible, the result -1 when none is.</summary>
    public static int PickTwo(ReadOnlySpan<BackendState> backends, int excludeIndex, SplitMix64Random random, out int second)
    {
        second = -1;
        int count = backends.Length;
        if (count >= 2)
        {
            // Common case in one 64-bit draw (one interlocked add, not two): the high half picks
            // the first, the low half the second among the other count - 1.
            ulong bits = random.NextUInt64();
            int a = (int)(((bits >> 32) * (ulong)(uint)count) >> 32);
            int b = (int)(((bits & 0xFFFF_FFFFUL) * (ulong)(uint)(count - 1)) >> 32);
            if (b >= a)
            {
                b++;
            }

            if (IsEligible(backends, a, excludeIndex) && IsEligible(backends, b, excludeIndex))
            {
                second = b;
                return a;
            }
        }

        int first = PickOne(backends, excludeIndex, random);
        if (first < 0 || count == 1)
        {
            return first;
        }

        int index = 0;
        for (int draw = 0; draw < Draws; draw++)
        {
            // Uniform over the other count - 1 positions: skip over first.
            index = random.NextInt(count - 1);
            if (index >= first)
            {
                index++;
            }

            if (IsEligible(backends, index, excludeIndex))
            {
                second = index;
                return first;
            }
        }

        second = ScanFrom(backends, index, excludeIndex, first);
        return first;
    }

    /// <summary>Fills <paramref name="picked"/> with distinct random eligible backends; returns how many were found.</summary>
    public static int Sample(ReadOnlySpan<BackendState> backends, int excludeIndex, SplitMix64Random random, Span<int> picked)
    {
        int count = backends.Length;
        int found = 0;
        ulong bits = 0;
        bool spare = false;
        while (found < picked.Length && count > 0)
        {
            int index = 0;
            int chosen = -1;
            for (int draw = 0; draw < Draws; draw++)
            {
                // Two indices per 64-bit draw: halves the interlocked adds on the shared generator.
                uint half;
                if (spare)
                {
                    half = (uint)bits;
                    spare = false;
                }
                else
                {
                    bits = random.NextUInt64();
                    half = (uint)(bits >> 32);
                    spare = true;
                }

                index = (int)(((ulong)half * (ulong)(uint)count) >> 32);
                if (IsEligible(backends, index, excludeIndex) && !Contains(picked[..found], index))
                {
                    chosen = index;
                    break;
                }
            }

            if (chosen < 0)
            {
                for (int i = 0; i < count; i++)
                {
                    int candidate = index + i;
                    if (candidate >= count)
                    {
                        candidate -= count;
                    }

                    if (IsEligible(backends, candidate, excludeIndex) && !Contains(picked[..found], candidate))
                    {
                        chosen = candidate;
                        break;
                    }
                }
            }

            if (chosen < 0)
            {
                break;
            }

            picked[found++] = chosen;
        }

        return found;
    }

    /// <summary>The first eligible backend at or after <paramref name="start"/>, wrapping, other than <paramref name="skip"/>; -1 when none.</summary>
    public static int ScanFrom(ReadOnlySpan<BackendState> backends, int start, int excludeIndex, int skip)
    {
        int count = backends.Length;
        for (int i = 0; i < count; i++)
        {
            int index = start + i;
            if (index >= count)
            {
                index -= count;
            }

            if (index != skip && IsEligible(backends, index, excludeIndex))
            {
                return index;
            }
        }

        return -1;
    }

    private static bool Contains(ReadOnlySpan<int> values, int value)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] == value)
            {
                return true;
            }
        }

        return false;
    }
}
