namespace FastLb.Backends.Orders;

/// <summary>An order event written in the same transaction as the order change, delivered to notifications by the relay (idempotent by <see cref="EventId"/>).</summary>
internal sealed record OutboxEvent(Guid EventId, Guid OrderId, string UserId, string Type, string Subject, string Body, DateTimeOffset CreatedAt);
