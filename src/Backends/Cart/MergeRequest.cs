namespace FastLb.Backends.Cart;

/// <summary>Body of <c>POST /api/cart/merge</c>: the guest session whose cart joins the caller's.</summary>
internal sealed record MergeRequest(string? SessionId);
