using System.Text.Json.Serialization;

namespace FastLb.Backends.Hosting;

/// <summary>The <c>GET /health</c> answer (docs/FORMATS.md, "Backend health report"), plus service, instance and queue length.</summary>
internal sealed record HealthBody(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("cpu")] double Cpu,
    [property: JsonPropertyName("active_requests")] int ActiveRequests,
    [property: JsonPropertyName("avg_response_ms")] double AvgResponseMs,
    [property: JsonPropertyName("queued_requests")] int QueuedRequests,
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("instance")] string Instance);
