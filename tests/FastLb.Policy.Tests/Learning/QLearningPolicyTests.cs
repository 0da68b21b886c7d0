using FastLb.Policy.Learning;
using FastLb.Policy.Selection;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Learning;

public sealed class QLearningPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.QLearning;

    protected override IRoutingPolicy Create(PolicyContext context) => new QLearningPolicy(context);

    /// <summary>Drives <paramref name="policy"/> through a balancer: backend <paramref name="fast"/> answers in about 10 ms, the others in about 150; returns the picks per backend over the last quarter.</summary>
    private static int[] Drive(QLearningPolicy policy, int count, int fast, int requests, ulong seed)
    {
        var random = new SplitMix64Random(seed);
        BackendState[] backends = Pools.Create(count);
        var balancer = new Balancer(policy, backends);
        var counts = new int[count];
        for (int i = 0; i < requests; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            if (i >= requests * 3 / 4)
            {
                counts[request.PickedIndex]++;
            }

            double latency = request.PickedIndex == fast ? 8 + (4 * random.NextDouble()) : 130 + (40 * random.NextDouble());
            lease.Complete(Pools.Ok(latency));
        }

        return counts;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Constructor_SmallPool_JointEncoding(int count)
    {
        var policy = new QLearningPolicy(Pools.Context(count));
        Assert.Equal(QStateEncoding.Joint, policy.Encoding);
        Assert.Equal((int)Math.Pow(3, count) * count, policy.TableSize);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(64)]
    public void Constructor_LargePool_PerBackendEncoding(int count)
    {
        var policy = new QLearningPolicy(Pools.Context(count));
        Assert.Equal(QStateEncoding.PerBackend, policy.Encoding);
        Assert.Equal(9 * count, policy.TableSize);
    }

    [Fact]
    public void Constructor_JointForcedOnLargePool_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new QLearningPolicy(Pools.Context(9), encoding: QStateEncoding.Joint));

    [Theory]
    [InlineData(3, QStateEncoding.Joint, 0)]
    [InlineData(4, QStateEncoding.PerBackend, 0)]
    [InlineData(16, QStateEncoding.PerBackend, 0)]
    [InlineData(64, QStateEncoding.PerBackend, 0)]
    [InlineData(3, QStateEncoding.Joint, 2)]
    [InlineData(4, QStateEncoding.PerBackend, 2)]
    [InlineData(16, QStateEncoding.PerBackend, 2)]
    [InlineData(64, QStateEncoding.PerBackend, 2)]
    public void Pick_OneMuchFasterBackend_ConvergesToIt(int count, QStateEncoding encoding, int candidates)
    {
        var policy = new QLearningPolicy(Pools.Context(count, seed: 5), new QLearningOptions { Candidates = candidates }, encoding);
        int fast = count / 3;
        int[] counts = Drive(policy, count, fast, 4000 + (40 * count), seed: 9);
        int total = counts.Sum();

        // Greedy over every backend: all picks but the 1 % exploration floor. Greedy over two
        // random ones (the default): the fast backend whenever it is one of them, 2 / n of picks,
        // less the pairs still won by an untried (optimistic, 0) cell of a slow backend.
        double share = candidates == 0 ? 1 : 2.0 / count;
        Assert.True(counts[fast] > total * share * (candidates == 0 ? 0.95 : 0.85), $"fast backend got {counts[fast]} of {total}");
        Assert.True(counts[fast] < total * Math.Min(1, share * 1.1), $"fast backend got {counts[fast]} of {total}");
        Assert.Equal(0.01, policy.Epsilon, 9);
    }

    [Fact]
    public void Report_Failure_PenalisedBelowAnyLatency()
    {
        var policy = new QLearningPolicy(Pools.Context(2), encoding: QStateEncoding.PerBackend);
        BackendState[] backends = Pools.Create(2);
        var balancer = new Balancer(policy, backends);
        for (int i = 0; i < 200; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            lease.Complete(request.PickedIndex == 0 ? Pools.Failed(1) : Pools.Ok(500));
        }

        // Backend 0 fails fast, backend 1 is slow but answers: the learner prefers the slow one.
        Assert.True(policy.Value(0, 0) < policy.Value(0, 1), $"{policy.Value(0, 0)} vs {policy.Value(0, 1)}");
    }

    [Fact]
    public void Report_OneOutcome_BellmanStep()
    {
        var policy = new QLearningPolicy(Pools.Context(2), new QLearningOptions { Epsilon = 0 }, QStateEncoding.Joint);
        BackendState[] backends = Pools.Create(2);
        var balancer = new Balancer(policy, backends);
        RequestFeatures request = RequestFeatures.Empty;
        BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
        lease.Complete(Pools.Ok(50));

        // From 0: Q += 0.1 (-50 / 10 + 0.9 x max(0, 0) - 0) = -0.5 in state 0 (both low).
        Assert.Equal(-0.5, policy.Value(0, request.PickedIndex), 12);
        Assert.Equal(0, policy.Value(0, 1 - request.PickedIndex));
    }

    [Theory]
    [InlineData(3, QStateEncoding.Joint)]
    [InlineData(12, QStateEncoding.PerBackend)]
    public void SaveTryLoad_RoundTrip_SameValuesAndChoices(int count, QStateEncoding encoding)
    {
        var trained = new QLearningPolicy(Pools.Context(count, seed: 1), encoding: encoding);
        Drive(trained, count, 1, 3000, seed: 2);
        using var file = new MemoryStream();
        trained.Save(file);
        file.Position = 0;

        var loaded = new QLearningPolicy(Pools.Context(count, seed: 1), encoding: encoding);
        Assert.True(loaded.TryLoad(file, out string? error), error);
        Assert.Equal(trained.Epsilon, loaded.Epsilon);
        int states = encoding == QStateEncoding.Joint ? (int)Math.Pow(3, count) : 9;
        int nonZero = 0;
        for (int state = 0; state < states; state++)
        {
            for (int backend = 0; backend < count; backend++)
            {
                Assert.Equal(trained.Value(state, backend), loaded.Value(state, backend));
                nonZero += trained.Value(state, backend) != 0 ? 1 : 0;
            }
        }

        Assert.True(nonZero >= count);
    }

    [Fact]
    public void TryLoad_OtherPoolSizeOrGarbage_RefusedAndUnchanged()
    {
        var small = new QLearningPolicy(Pools.Context(3));
        Drive(small, 3, 0, 500, seed: 3);
        using var file = new MemoryStream();
        small.Save(file);

        var other = new QLearningPolicy(Pools.Context(4));
        file.Position = 0;
        Assert.False(other.TryLoad(file, out string? error));
        Assert.Contains("4", error);
        Assert.Equal(0, other.Value(0, 0));

        Assert.False(other.TryLoad(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]), out error));
        Assert.Contains("magic", error);

        byte[] truncated = file.ToArray()[..40];
        Assert.False(small.TryLoad(new MemoryStream(truncated), out error));
        Assert.Contains("truncated", error);
    }

    [Theory]
    [InlineData(0, 30, 40)]
    [InlineData(2, 4, 16)]
    public void Pick_ConcurrentPicksAfterTraining_ArgMaxHerdsSampledSpreads(int candidates, int minBusiest, int maxBusiest)
    {
        var options = new QLearningOptions { Candidates = candidates, Epsilon = 0, EpsilonFloor = 0 };
        var policy = new QLearningPolicy(Pools.Context(10, seed: 3), options);
        BackendState[] backends = Pools.Create(10);
        var balancer = new Balancer(policy, backends);
        var random = new SplitMix64Random(4);
        for (int i = 0; i < 2000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            lease.Complete(Pools.Ok(18 + (4 * random.NextDouble())));
        }

        // Forty picks arrive before any of them ends. Cells of loaded states were never visited
        // and still hold their optimistic 0, so even sampled picks favour a loaded backend, but
        // only when it is among the candidates.
        for (int i = 0; i < 40; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            Assert.NotNull(balancer.Pick(ref request, out BackendLease lease));
        }

        int busiest = backends.Max(b => b.InFlight);
        Assert.InRange(busiest, minBusiest, maxBusiest);
    }
}
