using FastLb.Policy.Catalog;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Contract;

/// <summary>What every <see cref="IRoutingPolicy"/> must do; each policy's test class derives from this one.</summary>
public abstract class RoutingPolicyContractTests
{
    /// <summary>The policy under test for a pool described by <paramref name="context"/>.</summary>
    protected abstract IRoutingPolicy Create(PolicyContext context);

    /// <summary>The name the factory knows it by.</summary>
    protected abstract string ExpectedName { get; }

    /// <summary>The features of the <paramref name="i"/>-th request of a test; varied keys so that hashing policies spread.</summary>
    protected virtual RequestFeatures Request(int i)
    {
        RequestFeatures request = RequestFeatures.Empty;
        request.HashKey = (ulong)i + 1;
        request.RouteId = 0;
        request.Method = RequestMethod.Get;
        return request;
    }

    /// <summary>Latency that backend <paramref name="index"/> answers with in the contract tests: equal for all.</summary>
    protected static RequestOutcome Outcome(int index, int i) => Pools.Ok(10 + ((i * 7) % 5));

    private (IRoutingPolicy Policy, Balancer Balancer, BackendState[] Backends, ManualTimeProvider Time) Build(int count)
    {
        var time = new ManualTimeProvider();
        var backends = Pools.Create(count);
        IRoutingPolicy policy = Create(Pools.Context(count, time));
        return (policy, new Balancer(policy, backends), backends, time);
    }

    [Fact]
    public void Name_KnownToFactory_CreatesSameType()
    {
        IRoutingPolicy policy = Create(Pools.Context(4));
        Assert.Equal(ExpectedName, policy.Name);
        Assert.Contains(ExpectedName, PolicyFactory.Implemented);
        Assert.True(PolicyFactory.TryCreate(ExpectedName, Pools.Context(4), out IRoutingPolicy? created, out string? error), error);
        Assert.IsType(policy.GetType(), created);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void Pick_UnavailableAndExcluded_NeverReturned(int count)
    {
        var (_, balancer, backends, time) = Build(count);
        for (int i = 1; i < count; i += 3)
        {
            backends[i].SetAvailable(false);
        }

        int excluded = count > 1 ? count - 1 : -1;
        if (excluded >= 0 && !backends[excluded].IsAvailable)
        {
            excluded = 0;
        }

        for (int i = 0; i < 2000; i++)
        {
            RequestFeatures request = Request(i);
            request.ExcludeIndex = excluded;
            BackendState? picked = balancer.Pick(ref request, out BackendLease lease);
            Assert.NotNull(picked);
            int index = balancer.IndexOf(picked);
            Assert.True(picked.IsAvailable, $"picked unavailable {index}");
            Assert.NotEqual(excluded, index);
            time.AdvanceMs(1);
            lease.Complete(Outcome(index, i));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void Pick_NoneAvailable_ReturnsMinusOne(int count)
    {
        var (policy, _, backends, _) = Build(count);
        foreach (BackendState backend in backends)
        {
            backend.SetAvailable(false);
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(-1, policy.Pick(backends, Request(i)));
        }

        // The only available one excluded: still none.
        backends[0].SetAvailable(true);
        RequestFeatures request = Request(0);
        request.ExcludeIndex = 0;
        Assert.Equal(-1, policy.Pick(backends, request));
        Assert.Equal(-1, policy.Pick([], Request(0)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void Pick_AllEqual_EveryBackendPickedEventually(int count)
    {
        var (_, balancer, backends, time) = Build(count);
        var counts = new int[count];
        for (int i = 0; i < 400 * count; i++)
        {
            RequestFeatures request = Request(i);
            BackendState? picked = balancer.Pick(ref request, out BackendLease lease);
            Assert.NotNull(picked);
            int index = balancer.IndexOf(picked);
            counts[index]++;
            time.AdvanceMs(1);
            lease.Complete(Outcome(index, i));
        }

        for (int i = 0; i < count; i++)
        {
            Assert.True(counts[i] > 0, $"backend {i} never picked; counts {string.Join(",", counts)}");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(64)]
    public void Pick_ManyThreads_ValidAndInFlightReturnsToZero(int count)
    {
        var (_, balancer, backends, _) = Build(count);
        backends[count / 2].SetAvailable(false);
        const int Threads = 4;
        const int PerThread = 5000;
        int invalid = 0;
        int picked = 0;
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int offset = t * PerThread;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                var held = new Queue<BackendLease>();
                for (int i = 0; i < PerThread; i++)
                {
                    RequestFeatures request = Request(offset + i);
                    BackendState? backend = balancer.Pick(ref request, out BackendLease lease);
                    if (backend is null || !backend.IsAvailable)
                    {
                        Interlocked.Increment(ref invalid);
                        continue;
                    }

                    Interlocked.Increment(ref picked);

                    // Keep a few requests in flight so that picks see load.
                    held.Enqueue(lease);
                    if (held.Count > 3)
                    {
                        BackendLease done = held.Dequeue();
                        done.Complete(Outcome(done.Index, i));
                    }
                }

                while (held.Count > 0)
                {
                    BackendLease done = held.Dequeue();
                    done.Complete(Outcome(done.Index, 0));
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, invalid);
        Assert.Equal(Threads * PerThread, picked);
        Assert.Equal(0, balancer.InFlight);
        foreach (BackendState backend in backends)
        {
            Assert.Equal(0, backend.InFlight);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(64)]
    public void PickAndReport_SteadyState_AllocatesNothing(int count)
    {
        var (_, balancer, _, _) = Build(count);
        RunPickAndComplete(balancer, 0, 5000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunPickAndComplete(balancer, 5000, 20000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private void RunPickAndComplete(Balancer balancer, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            RequestFeatures request = Request(i);
            BackendState? picked = balancer.Pick(ref request, out BackendLease lease);
            if (picked is not null)
            {
                lease.Complete(Outcome(request.PickedIndex, i));
            }
        }
    }
}
