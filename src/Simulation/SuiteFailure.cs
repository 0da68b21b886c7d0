namespace FastLb.Simulation;

/// <summary>A policy that threw during a scenario: a bug in the policy, reported while the others still run.</summary>
/// <param name="Scenario">The scenario's key.</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="Exception">What it threw.</param>
internal sealed record SuiteFailure(string Scenario, string Policy, Exception Exception);
