namespace FastLb.Backends.Hosting;

/// <summary><c>/admin/faults</c> body: in answers every field is set; in a PUT, null fields stay as they are. Status "auto" clears a forced status.</summary>
internal sealed record FaultsBody(int? DelayMs, int? JitterMs, double? ErrorRate, int? Capacity, string? Status, int? ErrorStatus = null);
