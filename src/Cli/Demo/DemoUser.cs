namespace FastLb.Cli.Demo;

/// <summary>A demo customer: e-mail (password <see cref="DemoShop.Password"/>) and a token from its first login.</summary>
internal sealed record DemoUser(string Email, string Token);
