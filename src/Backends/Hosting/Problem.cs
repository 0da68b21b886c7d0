namespace FastLb.Backends.Hosting;

/// <summary>The JSON problem body (RFC 9457) of every error answer; <see cref="Field"/> names the offending input.</summary>
/// <param name="Type">Problem type URI, about:blank.</param>
/// <param name="Title">Short human summary.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="Detail">What went wrong.</param>
/// <param name="Field">The request field at fault, when one is.</param>
internal sealed record Problem(string Type, string Title, int Status, string? Detail, string? Field);
