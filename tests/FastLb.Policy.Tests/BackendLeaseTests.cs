using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests;

/// <summary>The lease's contract: one attempt per lease, completed exactly once, with what its own pick noted.</summary>
public sealed class BackendLeaseTests
{
    private static (Balancer Balancer, BackendState[] Backends, RecordingPolicy Policy) Build(int count = 2)
    {
        BackendState[] backends = Pools.Create(count);
        var policy = new RecordingPolicy();
        return (new Balancer(policy, backends), backends, policy);
    }

    [Fact]
    public void Complete_Once_ReportsOnceAndEndsTheAttempt()
    {
        var (balancer, backends, policy) = Build();
        RequestFeatures request = RequestFeatures.Empty;
        BackendLease lease = default;

        int index = balancer.Acquire(ref request, ref lease);

        Assert.True(lease.IsActive);
        Assert.Equal(index, lease.Index);
        Assert.Same(backends[index], lease.Backend);
        Assert.Equal(1, balancer.InFlight);
        Assert.Equal(1, backends[index].InFlight);
        lease.Complete(Pools.Ok(12));
        Assert.False(lease.IsActive);
        Assert.Equal(0, balancer.InFlight);
        Assert.Equal(0, backends[index].InFlight);
        Assert.Equal(1, backends[index].Requests);
        (int reportedIndex, PickNote note, RequestOutcome outcome) = Assert.Single(policy.Reports);
        Assert.Equal(index, reportedIndex);
        Assert.Equal(index, note.Cell);
        Assert.Equal(12, outcome.LatencyMs);
    }

    [Fact]
    public void Complete_Twice_ThrowsAndReportsOnce()
    {
        var (balancer, backends, policy) = Build();
        RequestFeatures request = RequestFeatures.Empty;
        BackendLease lease = default;
        int index = balancer.Acquire(ref request, ref lease);
        lease.Complete(Pools.Ok(5));

        Assert.Throws<InvalidOperationException>(() => lease.Complete(Pools.Ok(5)));
        Assert.Single(policy.Reports);
        Assert.Equal(0, backends[index].InFlight);
        Assert.Equal(0, balancer.InFlight);
    }

    [Fact]
    public void Complete_NeverAcquired_Throws()
    {
        BackendLease lease = default;

        Assert.Throws<InvalidOperationException>(() => lease.Complete(Pools.Ok(5)));
        Assert.Throws<InvalidOperationException>(() => lease.Backend);
    }

    [Fact]
    public void Acquire_IntoActiveLease_ThrowsAndKeepsTheFirstAttempt()
    {
        // An attempt whose lease is reused before it completed would never report: refused loudly.
        var (balancer, backends, policy) = Build();
        RequestFeatures first = RequestFeatures.Empty;
        BackendLease lease = default;
        int index = balancer.Acquire(ref first, ref lease);
        RequestFeatures second = RequestFeatures.Empty;

        Assert.Throws<InvalidOperationException>(() => balancer.Acquire(ref second, ref lease));
        Assert.Same(backends[index], lease.Backend);
        Assert.Equal(1, balancer.InFlight);
        lease.Complete(Pools.Ok(5));
        Assert.Single(policy.Reports);
        Assert.Equal(0, balancer.InFlight);
    }

    [Fact]
    public void Acquire_NoBackend_LeaseStaysEmpty()
    {
        var (balancer, backends, _) = Build(1);
        backends[0].SetAvailable(false);
        RequestFeatures request = RequestFeatures.Empty;
        BackendLease lease = default;

        Assert.Equal(IRoutingPolicy.NoBackend, balancer.Acquire(ref request, ref lease));
        Assert.False(lease.IsActive);
        Assert.Equal(0, balancer.InFlight);
    }

    [Fact]
    public void Complete_OverlappingAttemptsOnOneBackend_EachReportsItsOwnNote()
    {
        // Two attempts in flight on one backend, completed in the other order: each report carries
        // the note of its own pick.
        var (balancer, _, policy) = Build(1);
        RequestFeatures a = RequestFeatures.Empty;
        RequestFeatures b = RequestFeatures.Empty;
        BackendLease first = default;
        BackendLease second = default;
        balancer.Acquire(ref a, ref first);
        balancer.Acquire(ref b, ref second);
        Assert.NotEqual(first.Note.ExpectedMs, second.Note.ExpectedMs);

        second.Complete(Pools.Ok(2));
        first.Complete(Pools.Ok(1));

        Assert.Equal([second.Note.ExpectedMs, first.Note.ExpectedMs], policy.Reports.Select(r => r.Note.ExpectedMs));
        Assert.Equal([2.0, 1.0], policy.Reports.Select(r => r.Outcome.LatencyMs));
    }

    /// <summary>Round robin that notes a pick number as its expectation and the index as its cell, and records every report.</summary>
    private sealed class RecordingPolicy : IRoutingPolicy
    {
        private readonly RoundRobinPolicy _inner = new();
        private int _picks;

        public List<(int Index, PickNote Note, RequestOutcome Outcome)> Reports { get; } = [];

        public string Name => "recording";

        public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
        {
            int index = _inner.Pick(backends, request, ref note);
            note.ExpectedMs = ++_picks;
            note.Cell = index;
            return index;
        }

        public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
            => Reports.Add((request.PickedIndex, note, outcome));
    }
}
