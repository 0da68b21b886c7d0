namespace FastLb.Proxy.Edge;

/// <summary>Labels of <see cref="AuthFailure"/>, as in <c>/metrics</c> and <c>error_description</c>.</summary>
internal static class AuthFailures
{
    /// <summary>Every failure that refuses a request, in enum order.</summary>
    public static readonly AuthFailure[] All = [.. Enum.GetValues<AuthFailure>().Where(f => f != AuthFailure.None)];

    /// <summary>The label of <paramref name="failure"/>.</summary>
    public static string Label(AuthFailure failure) => failure switch
    {
        AuthFailure.Missing => "missing",
        AuthFailure.Malformed => "malformed",
        AuthFailure.Algorithm => "algorithm",
        AuthFailure.UnknownKey => "unknown_key",
        AuthFailure.Signature => "signature",
        AuthFailure.Expired => "expired",
        AuthFailure.NoExpiry => "no_expiry",
        AuthFailure.NotYetValid => "not_yet_valid",
        AuthFailure.Issuer => "issuer",
        AuthFailure.Audience => "audience",
        AuthFailure.Role => "role",
        _ => "none",
    };
}
