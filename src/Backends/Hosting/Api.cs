using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Hosting;

/// <summary>Helpers every endpoint uses: reading a JSON body with a 400 that names the field, problem answers, JSON answers.</summary>
internal static class Api
{
    /// <summary>Reads the request body as <typeparamref name="T"/>; on failure returns a 400 problem instead.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> info)
        where T : class
    {
        if (request.ContentLength == 0)
        {
            return (null, BadRequest("body", "a JSON body is required"));
        }

        try
        {
            T? value = await JsonSerializer.DeserializeAsync(request.Body, info, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, BadRequest("body", "a JSON object is required")) : (value, null);
        }
        catch (JsonException e)
        {
            string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, BadRequest(field, "malformed JSON or wrong type"));
        }
    }

    /// <summary>Wraps a handler that takes only the HttpContext so that minimal APIs treat it as an IResult-returning handler (with filters) rather than as a plain RequestDelegate whose result would be dropped.</summary>
    public static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    /// <summary>400 naming <paramref name="field"/>.</summary>
    public static IResult BadRequest(string field, string detail) => Fail(StatusCodes.Status400BadRequest, "Bad request", detail, field);

    /// <summary>404 for an unknown id.</summary>
    public static IResult NotFound(string what, string id) => Fail(StatusCodes.Status404NotFound, "Not found", $"{what} '{id}' does not exist", null);

    /// <summary>409 for a request that conflicts with the resource's state.</summary>
    public static IResult Conflict(string detail, string? field = null) => Fail(StatusCodes.Status409Conflict, "Conflict", detail, field);

    /// <summary>401: missing or bad credentials.</summary>
    public static IResult Unauthorized(string detail) => Fail(StatusCodes.Status401Unauthorized, "Unauthorized", detail, null);

    /// <summary>403: authenticated but not allowed.</summary>
    public static IResult Forbidden(string detail) => Fail(StatusCodes.Status403Forbidden, "Forbidden", detail, null);

    /// <summary>Any problem answer.</summary>
    public static IResult Fail(int status, string title, string detail, string? field) =>
        Results.Json(new Problem("about:blank", title, status, detail, field), HostingJsonContext.Default.Problem, "application/problem+json", status);

    /// <summary>A JSON answer with the source-generated contract.</summary>
    public static IResult Json<T>(T value, JsonTypeInfo<T> info, int status = StatusCodes.Status200OK) =>
        Results.Json(value, info, "application/json", status);

    /// <summary>Writes a problem directly (middleware, where no IResult runs).</summary>
    public static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new Problem("about:blank", title, status, detail, null), HostingJsonContext.Default.Problem);
    }
}
