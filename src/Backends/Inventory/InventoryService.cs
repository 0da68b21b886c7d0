using FastLb.Backends.Hosting;
using FastLb.Backends.Storage;
using Microsoft.AspNetCore.Builder;

namespace FastLb.Backends.Inventory;

/// <summary>The inventory service: catalog reads (anonymous), check, reserve, confirm, release (authenticated), stock (admin), and the reservation sweeper.</summary>
internal static class InventoryService
{
    /// <summary>Most lines one reservation may hold.</summary>
    public const int MaxLines = 100;

    /// <summary>Opens the store (seeding the catalog), starts the sweeper and maps the endpoints.</summary>
    public static async Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        BackendOptions options = context.Options;
        IInventoryStore store;
        if (options.Postgres is not null)
        {
            PostgresDatabase db = context.Own(await PostgresDatabase.OpenAsync(options.Postgres, options.PostgresSchema, "inventory", PostgresInventoryStore.Migrations, cancellationToken).ConfigureAwait(false));
            store = new PostgresInventoryStore(db);
        }
        else
        {
            store = new InMemoryInventoryStore();
        }

        await store.SeedAsync(CatalogSeed.Create(options.CatalogSize, options.InitialStock), cancellationToken).ConfigureAwait(false);
        var endpoints = new InventoryEndpoints(store, context);
        endpoints.Map(app);
        context.RunLoop("reservation-sweeper", async stopping =>
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(options.SweepInterval, context.Time, stopping).ConfigureAwait(false);
                try
                {
                    int expired = await store.ExpireAsync(context.Time.GetUtcNow(), stopping).ConfigureAwait(false);
                    for (int i = 0; i < expired; i++) context.Metrics.Event("reservation_expired");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database hiccup: the next sweep retries; expiry is idempotent.
                    context.Metrics.Event("sweep_failed");
                }
            }
        });
    }
}
