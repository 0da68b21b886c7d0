namespace FastLb.Policy;

/// <summary>Two running totals sampled at each tick, so that their growth over the last window can be read without counting anything per request.</summary>
/// <remarks>One writer at a time (a periodic tick). Keeps the last 64 samples: at four ticks a second, 16 s of history.</remarks>
internal sealed class SampledWindow
{
    private readonly long[] _at = new long[64];
    private readonly long[] _first = new long[64];
    private readonly long[] _second = new long[64];
    private int _samples;

    /// <summary>Forgets every sample: the next window starts at the next one.</summary>
    public void Clear() => _samples = 0;

    /// <summary>Records the totals <paramref name="first"/> and <paramref name="second"/> at <paramref name="now"/> and returns how much each grew since the oldest sample within <paramref name="windowMs"/>.</summary>
    public (long First, long Second) Add(TimeProvider time, long now, long first, long second, double windowMs)
    {
        int slot = _samples++ % _at.Length;
        _at[slot] = now;
        _first[slot] = first;
        _second[slot] = second;

        long baseFirst = first, baseSecond = second;
        int count = Math.Min(_samples, _at.Length);
        for (int i = 1; i < count; i++)
        {
            int old = (_samples - 1 - i) % _at.Length;
            if (time.GetElapsedTime(_at[old], now).TotalMilliseconds > windowMs)
            {
                break;
            }

            baseFirst = _first[old];
            baseSecond = _second[old];
        }

        return (first - baseFirst, second - baseSecond);
    }
}
