using FastLb.Policy;

namespace FastLb.Proxy.Runtime;

/// <summary>How many retries a pool may still send: a share of its requests over the last 10 s, with a floor per second, so that failures do not turn into a retry storm.</summary>
/// <remarks>
/// A retry takes one unit with an interlocked decrement; nothing is paid by requests that are not
/// retried. The passive monitor recomputes the allowance a few times a second from the pool's
/// request and retry totals (<see cref="Refill"/>). Carried across config reloads by pool name.
/// </remarks>
internal sealed class RetryBudget
{
    /// <summary>The window the budget is computed over.</summary>
    public const int WindowMs = 10_000;

    private readonly SampledWindow _window = new();
    private long _allowance;
    private long _exhausted;

    /// <summary>Creates a budget that allows the floor of <paramref name="minPerSecond"/> until the first refill.</summary>
    public RetryBudget(double minPerSecond) => _allowance = (long)(minPerSecond * WindowMs / 1000.0);

    /// <summary>Retries that the budget refused since start.</summary>
    public long Exhausted => Interlocked.Read(ref _exhausted);

    /// <summary>Retries still allowed now.</summary>
    public long Allowance => Math.Max(0, Interlocked.Read(ref _allowance));

    /// <summary>Takes one retry from the budget; false (and counted) when none is left.</summary>
    public bool TryTake()
    {
        if (Interlocked.Decrement(ref _allowance) >= 0)
        {
            return true;
        }

        Interlocked.Increment(ref _allowance);
        Interlocked.Increment(ref _exhausted);
        return false;
    }

    /// <summary>Recomputes the allowance from the pool's totals (requests ended, retries sent) at <paramref name="now"/>; one caller at a time.</summary>
    public void Refill(TimeProvider time, long now, long requests, long retries, double percent, double minPerSecond)
    {
        (long windowRequests, long windowRetries) = _window.Add(time, now, requests, retries, WindowMs);
        double allowed = Math.Max(minPerSecond * WindowMs / 1000.0, percent / 100.0 * windowRequests);
        Interlocked.Exchange(ref _allowance, (long)allowed - windowRetries);
    }
}
