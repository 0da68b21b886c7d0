namespace FastLb.Policy;

/// <summary>How a route retries: how many attempts, on which failures beyond the always-safe ones, with what body and backoff.</summary>
/// <param name="Attempts">Attempts a request may take in all, the first included (at least 1).</param>
/// <param name="OnTimeout">Whether an idempotent request whose response head timed out is sent again.</param>
/// <param name="Statuses">Response statuses after which an idempotent request is sent again (without relaying that response).</param>
/// <param name="BodyBytes">Largest request body kept for a retry; a request with a larger body (or a chunked one) is retried only when nothing of it was sent.</param>
/// <param name="BackoffMs">Base of the jittered backoff before a retry: the n-th retry waits a random time in [0, BackoffMs × 2^(n-1)]; 0 retries at once.</param>
public sealed record RetrySettings(int Attempts, bool OnTimeout, IReadOnlyList<int> Statuses, long BodyBytes, int BackoffMs)
{
    /// <summary>Three attempts, retrying an idempotent request on timeout, bodies up to 16 KiB kept, no backoff: a route's settings when it names none.</summary>
    public static RetrySettings Default { get; } = new(3, true, [], 16 * 1024, 0);

    /// <summary>The simulator's: one retry, after a failed connect (the only failure it models that a retry may follow).</summary>
    public static RetrySettings Simulator { get; } = new(2, false, [], 0, 0);

    /// <summary>Whether <paramref name="status"/> is one of <see cref="Statuses"/>.</summary>
    public bool RetriesStatus(int status)
    {
        for (int i = 0; i < Statuses.Count; i++)
        {
            if (Statuses[i] == status)
            {
                return true;
            }
        }

        return false;
    }
}
