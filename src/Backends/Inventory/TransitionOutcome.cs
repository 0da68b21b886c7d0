namespace FastLb.Backends.Inventory;

/// <summary>Result of a confirm or release, with the reservation as it now stands.</summary>
internal sealed record TransitionOutcome(TransitionStatus Status, Reservation? Reservation);
