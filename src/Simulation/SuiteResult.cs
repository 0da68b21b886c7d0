namespace FastLb.Simulation;

/// <summary>What a suite produced: one report per scenario, which policies ran, which were skipped, which failed.</summary>
/// <param name="Reports">One per scenario, in order; empty when no policy could run.</param>
/// <param name="Ran">The policies that could be created, in the order asked.</param>
/// <param name="Skipped">Policies that cannot be created (unknown or not implemented), with why.</param>
/// <param name="Failures">Runs in which a policy threw; each is also in its report's <see cref="ScenarioReport.Skipped"/>.</param>
internal sealed record SuiteResult(
    IReadOnlyList<ScenarioReport> Reports,
    IReadOnlyList<string> Ran,
    IReadOnlyList<(string Policy, string Reason)> Skipped,
    IReadOnlyList<SuiteFailure> Failures);
