using FastLb.Backends.Users;

namespace FastLb.Backends.Tests.Users;

/// <summary>PBKDF2 hashes: salted, verifiable, self-describing.</summary>
public sealed class PasswordHasherTests
{
    [Fact]
    public void HashVerify_RightAndWrongPassword_OnlyRightOneVerifies()
    {
        var hasher = new PasswordHasher(100_000);

        string hash = hasher.Hash("s3cret-pass");

        Assert.StartsWith("pbkdf2-sha256$100000$", hash, StringComparison.Ordinal);
        Assert.True(hasher.Verify("s3cret-pass", hash));
        Assert.False(hasher.Verify("s3cret-pasS", hash));
        Assert.NotEqual(hash, hasher.Hash("s3cret-pass"));
        Assert.False(hasher.Verify("s3cret-pass", "md5$abc"));
    }
}
