namespace FastLb.Policy.Tests.TestDoubles;

/// <summary>Builds backend pools and outcomes for policy tests.</summary>
public static class Pools
{
    /// <summary>Backends named b0, b1, ...</summary>
    public static BackendState[] Create(int count)
    {
        var backends = new BackendState[count];
        for (int i = 0; i < count; i++)
        {
            backends[i] = new BackendState("b" + i);
        }

        return backends;
    }

    /// <summary>A successful outcome with the given latency.</summary>
    public static RequestOutcome Ok(double latencyMs) => new(latencyMs, latencyMs, 200, OutcomeError.None);

    /// <summary>A connect failure.</summary>
    public static RequestOutcome Failed(double latencyMs) => new(latencyMs, latencyMs, 0, OutcomeError.Connect);

    /// <summary>A context for a pool of <paramref name="count"/> on <paramref name="time"/>.</summary>
    public static PolicyContext Context(int count, TimeProvider? time = null, ulong seed = 42) => new(count, seed, time ?? new ManualTimeProvider());
}
