using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FastLb.Backends.Tests.Support;

/// <summary>Request helpers and assertions on the wire contract (raw JSON, not our own types).</summary>
internal static class Http
{
    /// <summary>Sends and returns status and parsed JSON body (null when empty).</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        if (headers is not null)
        {
            foreach (var pair in headers) request.Headers.TryAddWithoutValidation(pair.Key, pair.Value);
        }

        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>GET.</summary>
    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    /// <summary>POST with a JSON body.</summary>
    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string path, object? body = null, IDictionary<string, string>? headers = null) =>
        SendAsync(client, HttpMethod.Post, path, body, headers);

    /// <summary>PUT with a JSON body.</summary>
    public static Task<(HttpStatusCode Status, JsonNode? Body)> PutAsync(HttpClient client, string path, object? body) => SendAsync(client, HttpMethod.Put, path, body);

    /// <summary>DELETE.</summary>
    public static Task<(HttpStatusCode Status, JsonNode? Body)> DeleteAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path);

    /// <summary>Asserts a problem answer with <paramref name="status"/> and, when given, the offending <paramref name="field"/>.</summary>
    public static void AssertProblem((HttpStatusCode Status, JsonNode? Body) answer, HttpStatusCode status, string? field = null)
    {
        Assert.Equal(status, answer.Status);
        Assert.NotNull(answer.Body);
        Assert.Equal((int)status, (int)answer.Body!["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)answer.Body["title"]));
        if (field is not null) Assert.Equal(field, (string?)answer.Body["field"]);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling, failing after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            await Task.Delay(20);
        }
    }
}
