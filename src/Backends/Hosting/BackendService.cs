namespace FastLb.Backends.Hosting;

/// <summary>Which e-commerce service a backend instance runs (`fastlb backend SERVICE`, docs/CLI.md).</summary>
public enum BackendService
{
    /// <summary>Registration, login (JWT), profiles.</summary>
    Users,

    /// <summary>Shopping carts: user carts and expiring guest carts.</summary>
    Cart,

    /// <summary>Order creation (reserve, pay, confirm, clear cart, save, notify) and order life cycle.</summary>
    Orders,

    /// <summary>Product catalog, stock checks and reservations.</summary>
    Inventory,

    /// <summary>A simulated payment gateway with charges and refunds.</summary>
    Payments,

    /// <summary>User notifications, fed by the orders outbox.</summary>
    Notifications,

    /// <summary>A plain echo service (any method on /api/echo/...) for proxy tests and demos.</summary>
    Echo,
}
