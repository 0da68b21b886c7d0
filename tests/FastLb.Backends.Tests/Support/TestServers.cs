using Npgsql;

namespace FastLb.Backends.Tests.Support;

/// <summary>The PostgreSQL and Redis that scripts/test starts; tests that need them fail (not skip) when they are absent.</summary>
internal static class TestServers
{
    /// <summary>JWT key shared by every instance a test starts.</summary>
    public const string JwtKey = "fastlb-tests-shared-hmac-key-0123456789abcdef";

    /// <summary>Npgsql connection string from FASTLB_TEST_POSTGRES, with a bounded pool.</summary>
    public static string Postgres
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable("FASTLB_TEST_POSTGRES");
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidOperationException("FASTLB_TEST_POSTGRES is not set: run the tests with scripts/test, which starts PostgreSQL");
            }

            return new NpgsqlConnectionStringBuilder(value) { MaxPoolSize = 40 }.ConnectionString;
        }
    }

    /// <summary>Redis host:port from FASTLB_TEST_REDIS.</summary>
    public static string Redis
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable("FASTLB_TEST_REDIS");
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidOperationException("FASTLB_TEST_REDIS is not set: run the tests with scripts/test, which starts Redis");
            }

            return value;
        }
    }

    /// <summary>A fresh schema name, so every started world has its own tables.</summary>
    public static string NewSchema(string owner) => $"t_{owner.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(60, owner.Length + 35)];

    /// <summary>A fresh Redis key prefix.</summary>
    public static string NewPrefix(string owner) => $"test:{owner}:{Guid.NewGuid():N}:";
}
