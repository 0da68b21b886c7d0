using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using FastLb.Load;

namespace FastLb.Cli.Demo;

/// <summary>The demo's shop traffic: browse and search products, view a product, cart add/remove/view, login, create an order
/// with an Idempotency-Key (reserve and pay inside), pay, list my orders and my notifications; each request labelled
/// <c>service.action</c>. Customers and products are drawn from the request's own random generator.</summary>
internal sealed class ShopTraffic : IRequestSource
{
    /// <summary>The kinds of request and their weights (percent of the traffic).</summary>
    public static IReadOnlyList<(string Label, double Weight)> Mix { get; } =
    [
        ("inventory.browse", 22), ("inventory.search", 10), ("inventory.view", 20),
        ("cart.add", 8), ("cart.remove", 4), ("cart.view", 6),
        ("users.login", 2), ("orders.create", 3), ("orders.list", 4), ("payments.pay", 3), ("notifications.list", 3),
    ];

    private static readonly string[] s_categories = ["books", "electronics", "garden", "kitchen", "outdoor", "toys", "clothing", "office"];
    private static readonly string[] s_terms = ["lamp", "kettle", "backpack", "notebook", "speaker", "chair", "tent", "jacket", "puzzle", "mug", "smart", "eco"];
    private readonly IReadOnlyList<DemoUser> _users;
    private readonly double[] _cumulative;
    private long _keys;

    /// <summary>Traffic of <paramref name="users"/> (each with a token).</summary>
    public ShopTraffic(IReadOnlyList<DemoUser> users)
    {
        _users = users;
        _cumulative = new double[Mix.Count];
        double sum = 0;
        for (int i = 0; i < Mix.Count; i++)
        {
            sum += Mix[i].Weight;
            _cumulative[i] = sum;
        }
    }

    /// <inheritdoc />
    public HttpRequestMessage Create(Uri target, Random random)
    {
        double x = random.NextDouble() * _cumulative[^1];
        int index = Array.BinarySearch(_cumulative, x);
        string label = Mix[Math.Min(index < 0 ? ~index : index, Mix.Count - 1)].Label;
        DemoUser user = _users[random.Next(_users.Count)];
        string sku = $"SKU-{random.Next(1, 301):D5}";
        HttpRequestMessage request = label switch
        {
            "inventory.browse" => Get(target, random.Next(2) == 0
                ? $"/api/inventory/products?offset={random.Next(0, 280)}&limit=20"
                : $"/api/inventory/products?category={s_categories[random.Next(s_categories.Length)]}&limit=20", null),
            "inventory.search" => Get(target, $"/api/inventory/search?query={s_terms[random.Next(s_terms.Length)]}", null),
            "inventory.view" => Get(target, $"/api/inventory/products/{sku}", null),
            "cart.add" => Send(target, HttpMethod.Post, "/api/cart/items", $"{{\"sku\":\"{sku}\",\"quantity\":{random.Next(1, 3)}}}", user),
            "cart.remove" => Send(target, HttpMethod.Delete, $"/api/cart/items/{sku}", null, user),
            "cart.view" => Get(target, "/api/cart", user),
            "users.login" => Send(target, HttpMethod.Post, "/api/users/login", $"{{\"email\":\"{user.Email}\",\"password\":\"{DemoShop.Password}\"}}", null),
            "orders.create" => Keyed(Send(target, HttpMethod.Post, "/api/orders",
                $"{{\"items\":[{{\"sku\":\"{sku}\",\"quantity\":1}}],\"cardNumber\":\"4111111111111111\",\"currency\":\"USD\"}}", user)),
            "orders.list" => Get(target, "/api/orders/user", user),
            "payments.pay" => Keyed(Send(target, HttpMethod.Post, "/api/payments",
                $"{{\"orderId\":\"gift-{random.Next(1, 1_000_000).ToString(CultureInfo.InvariantCulture)}\",\"amount\":{random.Next(5, 200)}.99,\"currency\":\"USD\",\"cardNumber\":\"4111111111111111\"}}", user)),
            _ => Get(target, "/api/notifications", user),
        };
        request.Options.Set(LoadGenerator.LabelKey, label);
        return request;
    }

    private static HttpRequestMessage Get(Uri target, string path, DemoUser? user) => Send(target, HttpMethod.Get, path, null, user);

    private static HttpRequestMessage Send(Uri target, HttpMethod method, string path, string? json, DemoUser? user)
    {
        var request = new HttpRequestMessage(method, new Uri(target, path));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        if (user is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return request;
    }

    private HttpRequestMessage Keyed(HttpRequestMessage request)
    {
        // A fresh key per attempt: each is a new order or payment, never a replay.
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"demo-{Environment.ProcessId}-{Interlocked.Increment(ref _keys)}");
        return request;
    }
}
