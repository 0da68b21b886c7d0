namespace FastLb.Backends.Payments;

/// <summary>Body of <c>POST /api/payments</c>; the card number is used for the decision and never stored beyond its last four digits.</summary>
internal sealed record PaymentRequest(string? OrderId, decimal? Amount, string? Currency, string? CardNumber, string? CardHolder);
