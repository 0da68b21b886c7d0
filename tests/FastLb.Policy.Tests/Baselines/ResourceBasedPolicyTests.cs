using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class ResourceBasedPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.ResourceBased;

    protected override IRoutingPolicy Create(PolicyContext context) => new ResourceBasedPolicy();

    private static HealthReport Report(double cpu, int active, HealthStatus status = HealthStatus.Healthy) => new(status, cpu, active, 20, 1);

    [Fact]
    public void Pick_LowCpuBackend_Preferred()
    {
        BackendState[] backends = Pools.Create(3);
        backends[0].SetHealth(Report(90, 2));
        backends[1].SetHealth(Report(10, 2));
        backends[2].SetHealth(Report(60, 2));
        var policy = new ResourceBasedPolicy();
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));
        }
    }

    [Fact]
    public void Pick_StaleReport_InFlightStopsHerding()
    {
        BackendState[] backends = Pools.Create(2);
        backends[0].SetHealth(Report(40, 0));
        backends[1].SetHealth(Report(10, 0));
        var balancer = new Balancer(new ResourceBasedPolicy(), backends);
        for (int i = 0; i < 40; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            Assert.NotNull(balancer.Pick(ref request, out _));
        }

        // Load: 0.1 + k1 / 10 against 0.4 + k0 / 10: the low-CPU one leads by three requests.
        Assert.Equal(22, backends[1].InFlight);
        Assert.Equal(18, backends[0].InFlight);
    }

    [Fact]
    public void Pick_UnknownHealth_CountsMeanCpu()
    {
        BackendState[] backends = Pools.Create(3);
        backends[0].SetHealth(Report(80, 0));
        backends[1].SetHealth(Report(20, 0));
        var policy = new ResourceBasedPolicy();

        // Unknown backend 2 counts (80 + 20) / 2 = 50 %: above backend 1 (0.2) ...
        Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));

        // ... but below backend 1 with 4 in flight (0.2 + 0.4) and below backend 0 (0.8).
        for (int i = 0; i < 4; i++)
        {
            backends[1].OnStarted();
        }

        Assert.Equal(2, policy.Pick(backends, RequestFeatures.Empty));
    }

    [Fact]
    public void Pick_UnhealthyAndDegraded_Avoided()
    {
        BackendState[] backends = Pools.Create(3);
        backends[0].SetHealth(Report(5, 0, HealthStatus.Unhealthy));
        backends[1].SetHealth(Report(5, 0, HealthStatus.Degraded));
        backends[2].SetHealth(Report(45, 0));
        var policy = new ResourceBasedPolicy();
        Assert.Equal(2, policy.Pick(backends, RequestFeatures.Empty));
    }

    [Fact]
    public void Pick_NothingReported_LeastConnections()
    {
        BackendState[] backends = Pools.Create(3);
        backends[0].OnStarted();
        backends[1].OnStarted();
        backends[1].OnStarted();
        var policy = new ResourceBasedPolicy();
        Assert.Equal(2, policy.Pick(backends, RequestFeatures.Empty));
        backends[2].OnStarted();
        backends[2].OnStarted();
        Assert.Equal(0, policy.Pick(backends, RequestFeatures.Empty));
    }

    [Fact]
    public void Pick_ReportsChange_MeanCpuRecomputedWithinPeriod()
    {
        BackendState[] backends = Pools.Create(3);
        backends[0].SetHealth(Report(20, 0));
        backends[1].SetHealth(Report(40, 0));
        var policy = new ResourceBasedPolicy();

        // Unknown backend 2 counts 30 %: above backend 0.
        Assert.Equal(0, policy.Pick(backends, RequestFeatures.Empty));
        backends[1].SetHealth(Report(0, 0));
        backends[0].SetHealth(Report(20, 0));
        for (int i = 1; i < ResourceBasedPolicy.MeanPeriod; i++)
        {
            policy.Pick(backends, RequestFeatures.Empty);
        }

        // Now the mean is 10 %: backend 2 beats backend 0, backend 1 (0 %) beats both.
        Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));
        backends[1].SetAvailable(false);
        Assert.Equal(2, policy.Pick(backends, RequestFeatures.Empty));
    }
}
