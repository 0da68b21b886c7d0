using FastLb.Policy;
using FastLb.Policy.Baselines;

namespace FastLb.Simulation.Tests;

/// <summary>Round robin that refreshes on a 1 s timer from its context's clock, recording the time of each tick.</summary>
internal sealed class TimerPolicy : IRoutingPolicy, IDisposable
{
    private readonly RoundRobinPolicy _inner = new();
    private readonly ITimer _timer;
    private readonly TimeProvider _time;

    public TimerPolicy(PolicyContext context)
    {
        _time = context.Time;
        _timer = context.Time.CreateTimer(_ => Ticks.Add(_time.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public string Name => "timer";

    public List<DateTimeOffset> Ticks { get; } = [];

    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note) => _inner.Pick(backends, request, ref note);

    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    public void Dispose() => _timer.Dispose();
}
