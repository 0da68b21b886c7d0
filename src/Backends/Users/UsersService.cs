using System.Net.Mail;
using FastLb.Backends.Hosting;
using FastLb.Backends.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Users;

/// <summary>The users service: register, login (JWT), me, and user lookup for the user themself or an admin.</summary>
internal static class UsersService
{
    /// <summary>Opens the store, seeds the admin when configured, maps the endpoints.</summary>
    public static async Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        BackendOptions options = context.Options;
        IUserStore store = options.Postgres is { } cs
            ? new PostgresUserStore(context.Own(await PostgresDatabase.OpenAsync(cs, options.PostgresSchema, "users", PostgresUserStore.Migrations, cancellationToken).ConfigureAwait(false)))
            : new InMemoryUserStore();
        var hasher = new PasswordHasher(options.PasswordIterations);
        if (options.AdminEmail is not null && options.AdminPassword is not null
            && await store.FindByEmailAsync(options.AdminEmail, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.CreateAsync(new UserRecord("admin-" + Guid.NewGuid().ToString("N")[..8], options.AdminEmail, "Administrator",
                hasher.Hash(options.AdminPassword), [Caller.AdminRole, Caller.CustomerRole], context.Time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }

        var auth = new AuthFilter(context.Tokens);

        app.MapPost("/api/users/register", Api.Handler(async http =>
        {
            var (body, error) = await Api.ReadAsync(http.Request, UsersJsonContext.Default.RegisterRequest).ConfigureAwait(false);
            if (error is not null) return error;
            string email = body!.Email?.Trim() ?? string.Empty;
            if (email.Length is 0 or > 254 || !MailAddress.TryCreate(email, out MailAddress? parsed) || parsed.Address != email) return Api.BadRequest("email", "a valid e-mail address is required");
            if (body.Password is null || body.Password.Length is < 8 or > 128) return Api.BadRequest("password", "must be 8 to 128 characters");
            string name = body.Name?.Trim() ?? string.Empty;
            if (name.Length is 0 or > 100) return Api.BadRequest("name", "must be 1 to 100 characters");

            var user = new UserRecord(Guid.NewGuid().ToString("N"), email, name, hasher.Hash(body.Password), [Caller.CustomerRole], context.Time.GetUtcNow());
            if (!await store.CreateAsync(user, http.RequestAborted).ConfigureAwait(false)) return Api.Conflict("this e-mail is already registered", "email");
            context.Metrics.Event("user_registered");
            return Api.Json(user.ToView(), UsersJsonContext.Default.UserView, StatusCodes.Status201Created);
        }));

        app.MapPost("/api/users/login", Api.Handler(async http =>
        {
            var (body, error) = await Api.ReadAsync(http.Request, UsersJsonContext.Default.LoginRequest).ConfigureAwait(false);
            if (error is not null) return error;
            if (string.IsNullOrWhiteSpace(body!.Email)) return Api.BadRequest("email", "is required");
            if (string.IsNullOrEmpty(body.Password)) return Api.BadRequest("password", "is required");
            UserRecord? user = await store.FindByEmailAsync(body.Email.Trim(), http.RequestAborted).ConfigureAwait(false);
            if (user is null)
            {
                hasher.VerifyDummy(body.Password);
                context.Metrics.Event("login_failed");
                return Api.Unauthorized("wrong e-mail or password");
            }

            if (!hasher.Verify(body.Password, user.PasswordHash))
            {
                context.Metrics.Event("login_failed");
                return Api.Unauthorized("wrong e-mail or password");
            }

            DateTimeOffset expires = context.Time.GetUtcNow() + options.TokenLifetime;
            string token = context.Tokens.Issue(new Caller(user.UserId, user.Email, user.Roles), options.TokenLifetime);
            context.Metrics.Event("login_succeeded");
            return Api.Json(new LoginResponse(token, expires, user.ToView()), UsersJsonContext.Default.LoginResponse);
        }));

        app.MapGet("/api/users/me", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            UserRecord? user = await store.GetAsync(caller.UserId, http.RequestAborted).ConfigureAwait(false);
            return user is null ? Api.NotFound("user", caller.UserId) : Api.Json(user.ToView(), UsersJsonContext.Default.UserView);
        })).AddEndpointFilter(auth);

        app.MapGet("/api/users/{userId}", async (string userId, HttpContext http) =>
        {
            Caller caller = Caller.Required(http);
            if (!caller.IsPrivileged && caller.UserId != userId) return Api.Forbidden("only the user themself or an admin may read a user");
            UserRecord? user = await store.GetAsync(userId, http.RequestAborted).ConfigureAwait(false);
            return user is null ? Api.NotFound("user", userId) : Api.Json(user.ToView(), UsersJsonContext.Default.UserView);
        }).AddEndpointFilter(auth);
    }
}
