using FastLb.Load;

namespace FastLb.Cli.Demo;

/// <summary>What the live display shows, twice a second: the phase and policy, the traffic's last half second, and the share of requests per backend.</summary>
/// <param name="Phase">setup, collect, train, compare, report.</param>
/// <param name="Policy">The policy the pools run now (empty before the proxy runs).</param>
/// <param name="Detail">A line on what the phase is doing.</param>
/// <param name="ElapsedS">Seconds since the demo started.</param>
/// <param name="TotalS">The asked duration.</param>
/// <param name="Traffic">The load generator's counts and interval latency.</param>
/// <param name="Share">Instance name to its share of its pool's requests over the last interval.</param>
/// <param name="Degraded">Whether the degrading instance is slow now.</param>
/// <param name="Failing">Whether the failing instance answers 500 now.</param>
internal sealed record DemoStatus(string Phase, string Policy, string Detail, double ElapsedS, double TotalS, LoadProgress Traffic,
    IReadOnlyDictionary<string, double> Share, bool Degraded, bool Failing);
