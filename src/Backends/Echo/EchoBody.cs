namespace FastLb.Backends.Echo;

/// <summary>What the echo service answers: who answered and what it received.</summary>
internal sealed record EchoBody(string Instance, string Method, string Path, string Query, long BodyBytes);
