namespace FastLb.Backends.Payments;

/// <summary>One logged attempt on a payment: a charge or a refund and how it ended.</summary>
internal sealed record PaymentAttempt(string Kind, string Result, DateTimeOffset At);
