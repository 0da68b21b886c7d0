namespace FastLb.Backends.Payments;

/// <summary>The simulated card processor: declines by rule so tests and demos can choose the outcome.</summary>
internal static class SimulatedGateway
{
    /// <summary>Largest amount one charge may take.</summary>
    public const decimal Limit = 10_000m;

    /// <summary>Null to capture, else the decline reason: card ending 0002 -> card_declined, 9995 -> insufficient_funds, amount over <see cref="Limit"/> -> amount_limit.</summary>
    public static string? Decide(string cardNumber, decimal amount)
    {
        if (cardNumber.EndsWith("0002", StringComparison.Ordinal)) return "card_declined";
        if (cardNumber.EndsWith("9995", StringComparison.Ordinal)) return "insufficient_funds";
        if (amount > Limit) return "amount_limit";
        return null;
    }

    /// <summary>Luhn check of a card number of 12 to 19 digits.</summary>
    public static bool IsValidCard(string number)
    {
        if (number.Length is < 12 or > 19) return false;
        int sum = 0;
        bool doubleIt = false;
        for (int i = number.Length - 1; i >= 0; i--)
        {
            char c = number[i];
            if (c is < '0' or > '9') return false;
            int d = c - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
