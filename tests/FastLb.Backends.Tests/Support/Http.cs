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

    /// <summary>
    /// Runs <paramref name="run"/>, which creates something that expires <paramref name="ttl"/> after it is made and then
    /// reads it back, until one run ends within <paramref name="ttl"/> of its start: only then must its read have seen
    /// the state before expiry. On a loaded machine a run can take longer than a short TTL and its read proves nothing,
    /// so such a run is repeated, at most <paramref name="tries"/> times, instead of being asserted on. The run gets its
    /// attempt number and a stopwatch started with it; a run that prepares first restarts it just before it creates.
    /// </summary>
    public static async Task<T> BeforeExpiryAsync<T>(TimeSpan ttl, Func<int, System.Diagnostics.Stopwatch, Task<T>> run, int tries = 5)
    {
        for (int attempt = 1; ; attempt++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            T result = await run(attempt, watch);
            if (watch.Elapsed < ttl) return result;
            if (attempt == tries) Assert.Fail($"each of {tries} runs took longer than the {ttl.TotalMilliseconds} ms it had before expiry (the last {watch.ElapsedMilliseconds} ms)");
        }
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
