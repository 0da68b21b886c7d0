namespace FastLb.Training;

/// <summary>One boosting round done: where training stands, for a progress display.</summary>
/// <param name="Round">Rounds done.</param>
/// <param name="MaxRounds">The budget.</param>
/// <param name="ValidationRmseMs">Validation RMSE after this round.</param>
/// <param name="BestRound">Round (1-based) with the lowest validation RMSE so far.</param>
/// <param name="BestRmseMs">That RMSE.</param>
internal readonly record struct LatencyTrainingProgress(int Round, int MaxRounds, double ValidationRmseMs, int BestRound, double BestRmseMs);
