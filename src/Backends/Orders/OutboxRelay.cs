using System.Text.Json;
using System.Threading.Channels;
using FastLb.Backends.Hosting;
using FastLb.Backends.Notifications;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Orders;

/// <summary>Delivers outbox events to notifications: woken when an event is written, and every interval in case a
/// delivery failed. At-least-once here plus notifications' unique event id gives exactly one notification per event.</summary>
internal sealed class OutboxRelay
{
    private readonly IOrderStore _store;
    private readonly ServiceClient _services;
    private readonly BackendContext _context;
    private readonly ILogger _log;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Creates the relay.</summary>
    public OutboxRelay(IOrderStore store, ServiceClient services, BackendContext context)
    {
        _store = store;
        _services = services;
        _context = context;
        _log = context.Loggers.CreateLogger<OutboxRelay>();
    }

    /// <summary>Asks the relay to look for events now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>The relay loop, until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stopping).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning(e, "outbox relay pass failed");
            }

            using var wait = new CancellationTokenSource(_context.Options.OutboxInterval, _context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, wait.Token);
            try
            {
                await _wake.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                // The interval elapsed: look again.
            }
        }
    }

    /// <summary>Claims and delivers one batch; returns how many were delivered.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _context.Time.GetUtcNow();
        IReadOnlyList<OutboxEvent> batch = await _store.ClaimPendingAsync(50, now, now + _context.Options.OutboxLease, cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0) return 0;
        string token = _context.Tokens.Issue(new Caller("orders-outbox-relay", string.Empty, [Caller.ServiceRole]), TimeSpan.FromMinutes(5));
        int delivered = 0;
        foreach (OutboxEvent e in batch)
        {
            string body = JsonSerializer.Serialize(new NotificationRequest(e.UserId, e.Type, "email", e.Subject, e.Body, e.EventId.ToString()), NotificationsJsonContext.Default.NotificationRequest);
            CallResult r = await _services.SendAsync(HttpMethod.Post, "/api/notifications", body, token, e.EventId.ToString(), idempotent: true, cancellationToken).ConfigureAwait(false);
            if (r.IsSuccess)
            {
                await _store.MarkDeliveredAsync(e.EventId, _context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                _context.Metrics.Event("outbox_delivered");
                delivered++;
            }
            else
            {
                // Left claimed: the lease runs out and a later pass (of any instance) tries again.
                _context.Metrics.Event("outbox_delivery_failed");
                _log.LogWarning("outbox event {EventId}: notifications answered {Status} {Error}", e.EventId, r.Status, r.Error);
            }
        }

        return delivered;
    }
}
