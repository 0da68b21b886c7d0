using System.Globalization;

namespace FastLb.Backends.Inventory;

/// <summary>The seeded catalog: deterministic products SKU-00001.. with names, categories and prices.</summary>
internal static class CatalogSeed
{
    private static readonly string[] s_categories = ["books", "electronics", "garden", "kitchen", "outdoor", "toys", "clothing", "office"];
    private static readonly string[] s_adjectives = ["Compact", "Deluxe", "Classic", "Smart", "Rugged", "Eco", "Portable", "Premium", "Basic", "Vintage"];
    private static readonly string[] s_nouns = ["Lamp", "Kettle", "Backpack", "Notebook", "Speaker", "Chair", "Tent", "Jacket", "Puzzle", "Planter", "Mug", "Charger"];

    /// <summary>The SKU of the n-th product (1-based).</summary>
    public static string Sku(int n) => "SKU-" + n.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>The first <paramref name="count"/> products, each with <paramref name="stock"/> units.</summary>
    public static IReadOnlyList<Product> Create(int count, int stock)
    {
        var random = new Random(42);
        var products = new Product[count];
        for (int i = 0; i < count; i++)
        {
            string adjective = s_adjectives[random.Next(s_adjectives.Length)];
            string noun = s_nouns[random.Next(s_nouns.Length)];
            string category = s_categories[random.Next(s_categories.Length)];
            decimal price = Math.Round((decimal)(random.NextDouble() * 195 + 5), 2);
            products[i] = new Product(Sku(i + 1), $"{adjective} {noun} {i + 1}", $"A {adjective.ToLowerInvariant()} {noun.ToLowerInvariant()} for {category}.", category, price, stock);
        }

        return products;
    }
}
