using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Metrics;

namespace FastLb.Proxy.Runtime;

/// <summary>A pool at run time: its balancer, its backends, its latency histogram and counters.</summary>
internal sealed class PoolRuntime
{
    /// <summary>Binds a pool's config to its runtime parts.</summary>
    /// <param name="config">The pool's validated config.</param>
    /// <param name="balancer">The policy and the backend states it picks from.</param>
    /// <param name="backends">Backends, in the order of the balancer's states.</param>
    /// <param name="latency">The histogram of the pool this one replaces on a config reload, so the series stays monotonic.</param>
    /// <param name="metrics">The counters of the pool this one replaces on a config reload, for the same reason.</param>
    /// <param name="budget">The retry budget of the pool this one replaces on a config reload.</param>
    /// <param name="queue">The capacity queue of the pool this one replaces on a config reload.</param>
    /// <param name="hedgeBudget">The hedge budget of the pool this one replaces on a config reload.</param>
    public PoolRuntime(PoolConfig config, Balancer balancer, BackendRuntime[] backends, LatencyHistogram? latency = null, PoolMetrics? metrics = null, RetryBudget? budget = null, CapacityQueue? queue = null, RetryBudget? hedgeBudget = null)
    {
        Queue = queue ?? new();
        Config = config;
        Balancer = balancer;
        Backends = backends;
        Latency = latency ?? new();
        Metrics = metrics ?? new();
        RetryBudget = budget ?? new(config.RetryBudgetMinPerSecond);
        HedgeBudget = hedgeBudget ?? new(0);
    }

    /// <summary>The pool's validated config.</summary>
    public PoolConfig Config { get; }

    /// <summary>The pool's name.</summary>
    public string Name => Config.Name;

    /// <summary>The policy and the backend states it picks from.</summary>
    public Balancer Balancer { get; }

    /// <summary>Backends, in the same order as <see cref="Balancer.Backends"/>.</summary>
    public BackendRuntime[] Backends { get; }

    /// <summary>Latency of requests through the pool.</summary>
    public LatencyHistogram Latency { get; }

    /// <summary>The pool's counters that are not per backend (requests shed, retries).</summary>
    public PoolMetrics Metrics { get; }

    /// <summary>Requests waiting for a backend below the concurrency cap.</summary>
    public CapacityQueue Queue { get; }

    /// <summary>Hedges the pool may still send (a route's <c>hedge.maxPercent</c> of its requests).</summary>
    public RetryBudget HedgeBudget { get; }

    /// <summary>The pool's recent p95 latency in ms (the upper bound of its histogram bucket), set by the passive monitor; 0 before any request.</summary>
    public double RecentP95Ms
    {
        get => Volatile.Read(ref _recentP95Ms);
        set => Volatile.Write(ref _recentP95Ms, value);
    }

    private double _recentP95Ms;

    /// <summary>Retries the pool may still send.</summary>
    public RetryBudget RetryBudget { get; }

    /// <summary>Applies <see cref="RetryRule"/> and the retry budget to an attempt that failed with <paramref name="failure"/> on the backend at <paramref name="index"/>:
    /// true when the request may be sent again, with the retry's exclusion set in <paramref name="features"/> and the retry counted.</summary>
    /// <remarks>The one place the proxy (http and tcp) decides and counts a retry; the failed attempt's lease is completed by the caller.
    /// A kept-alive connection found closed is retried outside the budget: it is the ordinary race with the backend's idle timeout, not a failure.</remarks>
    public bool TryRetry(RetryableFailure failure, int attempt, int index, ref RequestFeatures features, RetrySettings settings)
    {
        if (!RetryRule.MayRetry(failure, attempt, features.Method, settings))
        {
            return false;
        }

        int exclude = RetryRule.Exclude(failure, index);
        if (exclude >= 0 && Backends.Length == 1)
        {
            // Nowhere else to go.
            return false;
        }

        if (failure != RetryableFailure.ConnectionClosed && !RetryBudget.TryTake())
        {
            return false;
        }

        features.ExcludeIndex = exclude;
        Metrics.CountRetry();
        return true;
    }
}
