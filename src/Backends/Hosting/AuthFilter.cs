using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Hosting;

/// <summary>Endpoint filter: requires a valid bearer token (401) and, when roles are given, one of them (403).</summary>
internal sealed class AuthFilter : IEndpointFilter
{
    private readonly JwtTokens _tokens;
    private readonly string[] _anyOfRoles;
    private readonly bool _optional;

    /// <summary>Creates the filter; an <paramref name="optional"/> filter lets requests without a token through anonymously.</summary>
    public AuthFilter(JwtTokens tokens, bool optional = false, params string[] anyOfRoles)
    {
        _tokens = tokens;
        _optional = optional;
        _anyOfRoles = anyOfRoles;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        string? header = http.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return _optional ? await next(context).ConfigureAwait(false) : Api.Unauthorized("a bearer token is required");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Api.Unauthorized("the Authorization header must be 'Bearer <token>'");
        }

        Caller? caller = _tokens.Validate(header["Bearer ".Length..].Trim());
        if (caller is null) return Api.Unauthorized("the token is invalid or expired");
        if (_anyOfRoles.Length > 0 && !_anyOfRoles.Any(caller.IsInRole))
        {
            return Api.Forbidden($"requires role {string.Join(" or ", _anyOfRoles)}");
        }

        Caller.Set(http, caller);
        return await next(context).ConfigureAwait(false);
    }
}
