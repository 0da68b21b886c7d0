namespace FastLb.Simulation;

/// <summary>A schedule entry in absolute simulated seconds, as a backend checks it.</summary>
internal readonly record struct ScheduleWindow(double From, double To, double? MeanMs, bool Refuse, double? ErrorRate, int ErrorStatus);
