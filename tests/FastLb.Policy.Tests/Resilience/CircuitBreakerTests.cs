using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Resilience;

public sealed class CircuitBreakerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly BackendState _backend = new("b0");

    private CircuitBreaker Breaker(BreakerSettings? settings = null) =>
        new(_backend, settings ?? new BreakerSettings(3, double.PositiveInfinity, 20, 10_000, 1_000, 8_000), _time);

    [Fact]
    public void FailuresInARow_OpenTheCircuit_AndTakeTheBackendOut()
    {
        CircuitBreaker breaker = Breaker();

        breaker.OnOutcome(failed: true);
        breaker.OnOutcome(failed: true);
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(_backend.IsAvailable);

        breaker.OnOutcome(failed: true);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(_backend.IsAvailable);
        Assert.Equal(OutReason.Breaker, _backend.Out);
        Assert.Equal(1, breaker.Opened);
    }

    [Fact]
    public void ASuccess_BreaksTheRun()
    {
        CircuitBreaker breaker = Breaker();

        breaker.OnOutcome(failed: true);
        breaker.OnOutcome(failed: true);
        breaker.OnOutcome(failed: false);
        breaker.OnOutcome(failed: true);
        breaker.OnOutcome(failed: true);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(4, breaker.Failures);
    }

    [Fact]
    public void AfterTheCoolDown_OneProbeIsOffered_AndItsSuccessClosesTheCircuit()
    {
        CircuitBreaker breaker = Breaker();
        breaker.Trip();
        _time.AdvanceMs(999);
        Assert.Equal(BreakerState.Open, breaker.Tick());

        _time.AdvanceMs(1);
        Assert.Equal(BreakerState.HalfOpen, breaker.Tick());
        Assert.True(_backend.IsAvailable);

        // The first pick takes the probe and puts the backend out again; a second pick takes nothing.
        Assert.True(_backend.TakeProbe());
        Assert.False(_backend.IsAvailable);
        Assert.False(_backend.TakeProbe());

        breaker.OnOutcome(failed: false);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(_backend.IsAvailable);
        Assert.Equal(1_000, breaker.CoolDownMs);
    }

    [Fact]
    public void AFailedProbe_ReopensForTwiceAsLong_UpToTheCap()
    {
        CircuitBreaker breaker = Breaker();
        breaker.Trip();
        long[] expected = [2_000, 4_000, 8_000, 8_000];
        foreach (long coolDown in expected)
        {
            _time.AdvanceMs(breaker.CoolDownMs);
            Assert.Equal(BreakerState.HalfOpen, breaker.Tick());
            Assert.True(_backend.TakeProbe());
            Assert.Equal(BreakerState.Probing, breaker.Tick());

            breaker.OnOutcome(failed: true);

            Assert.Equal(BreakerState.Open, breaker.State);
            Assert.Equal(coolDown, breaker.CoolDownMs);
            Assert.False(_backend.IsAvailable);
        }
    }

    [Fact]
    public void OutcomesWhileOpen_AreThoseOfEarlierPicks_AndChangeNothing()
    {
        CircuitBreaker breaker = Breaker();
        breaker.Trip();

        breaker.OnOutcome(failed: false);
        breaker.OnOutcome(failed: false);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(_backend.IsAvailable);
    }

    [Fact]
    public void TheErrorRateOverTheWindow_OpensTheCircuit_OnlyWithEnoughRequests()
    {
        // Failures never come three in a row here, so only the rate can open the circuit.
        CircuitBreaker breaker = Breaker(new BreakerSettings(3, 0.5, 20, 10_000, 1_000, 8_000));
        breaker.Tick();
        for (int i = 0; i < 10; i++)
        {
            Report(breaker, failed: i % 2 == 0);
        }

        _time.AdvanceMs(250);
        Assert.Equal(BreakerState.Closed, breaker.Tick());

        for (int i = 0; i < 12; i++)
        {
            Report(breaker, failed: i % 3 != 2);
        }

        _time.AdvanceMs(250);
        Assert.Equal(BreakerState.Open, breaker.Tick());
    }

    [Fact]
    public void TheErrorRate_ForgetsWhatLeftTheWindow()
    {
        CircuitBreaker breaker = Breaker(new BreakerSettings(100, 0.5, 20, 1_000, 1_000, 8_000));
        breaker.Tick();
        for (int i = 0; i < 15; i++)
        {
            Report(breaker, failed: true);
        }

        // Too few to judge; by the next tick they are older than the 1 s window.
        _time.AdvanceMs(1_500);
        Assert.Equal(BreakerState.Closed, breaker.Tick());
        for (int i = 0; i < 20; i++)
        {
            Report(breaker, failed: i % 4 == 0);
        }

        _time.AdvanceMs(250);
        Assert.Equal(BreakerState.Closed, breaker.Tick());

        // The same 35 outcomes inside one window: 20 failures of 35 open it.
        BackendState state = new("b1");
        var fresh = new CircuitBreaker(state, breaker.Settings, _time);
        fresh.Tick();
        for (int i = 0; i < 15; i++)
        {
            Report(fresh, state, failed: true);
        }

        for (int i = 0; i < 20; i++)
        {
            Report(fresh, state, failed: i % 4 == 0);
        }

        _time.AdvanceMs(250);
        Assert.Equal(BreakerState.Open, fresh.Tick());
    }

    private void Report(CircuitBreaker breaker, bool failed) => Report(breaker, _backend, failed);

    private static void Report(CircuitBreaker breaker, BackendState state, bool failed)
    {
        state.OnStarted();
        state.OnEnded(new RequestOutcome(1, 1, failed ? 500 : 200, OutcomeError.None));
        breaker.OnOutcome(failed);
    }
}
