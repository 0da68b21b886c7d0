namespace FastLb.Policy.Tests.Resilience;

public sealed class RetryRuleTests
{
    private static readonly RetrySettings s_all = new(3, true, [502, 503, 504], 16 * 1024, 0);

    [Theory]
    [InlineData(RetryableFailure.ConnectFailed)]
    [InlineData(RetryableFailure.ConnectionClosed)]
    [InlineData(RetryableFailure.RefusedNow)]
    public void FailuresBeforeTheBackendActed_AreRetriedForEveryMethod(RetryableFailure failure)
    {
        foreach (RequestMethod method in Enum.GetValues<RequestMethod>())
        {
            Assert.True(RetryRule.MayRetry(failure, 0, method, s_all), $"{failure} {method}");
        }
    }

    [Theory]
    [InlineData(RetryableFailure.Reset)]
    [InlineData(RetryableFailure.Timeout)]
    [InlineData(RetryableFailure.Status)]
    public void FailuresAfterTheBackendMayHaveActed_AreRetriedForIdempotentMethodsOnly(RetryableFailure failure)
    {
        Assert.True(RetryRule.MayRetry(failure, 0, RequestMethod.Get, s_all));
        Assert.True(RetryRule.MayRetry(failure, 0, RequestMethod.Put, s_all));
        Assert.True(RetryRule.MayRetry(failure, 0, RequestMethod.Delete, s_all));
        Assert.False(RetryRule.MayRetry(failure, 0, RequestMethod.Post, s_all));
        Assert.False(RetryRule.MayRetry(failure, 0, RequestMethod.Patch, s_all));
        Assert.False(RetryRule.MayRetry(failure, 0, RequestMethod.Other, s_all));
    }

    [Fact]
    public void ATimeout_IsRetriedOnlyWhereTheRouteSaysSo()
    {
        RetrySettings noTimeout = s_all with { OnTimeout = false };

        Assert.False(RetryRule.MayRetry(RetryableFailure.Timeout, 0, RequestMethod.Get, noTimeout));
        Assert.True(RetryRule.MayRetry(RetryableFailure.Timeout, 0, RequestMethod.Get, s_all));
    }

    [Fact]
    public void Attempts_BoundTheRetries()
    {
        Assert.True(RetryRule.MayRetry(RetryableFailure.ConnectFailed, 1, RequestMethod.Get, s_all));
        Assert.False(RetryRule.MayRetry(RetryableFailure.ConnectFailed, 2, RequestMethod.Get, s_all));
        Assert.False(RetryRule.MayRetry(RetryableFailure.ConnectFailed, 0, RequestMethod.Get, s_all with { Attempts = 1 }));
    }

    [Fact]
    public void NothingFailed_IsNeverRetried() =>
        Assert.False(RetryRule.MayRetry(RetryableFailure.None, 0, RequestMethod.Get, s_all));

    [Fact]
    public void TheRetryAvoidsTheBackendThatFailed_ExceptAfterAClosedKeptAliveConnection()
    {
        Assert.Equal(2, RetryRule.Exclude(RetryableFailure.ConnectFailed, 2));
        Assert.Equal(2, RetryRule.Exclude(RetryableFailure.Timeout, 2));
        Assert.Equal(2, RetryRule.Exclude(RetryableFailure.Status, 2));
        Assert.Equal(-1, RetryRule.Exclude(RetryableFailure.ConnectionClosed, 2));
    }

    [Fact]
    public void TheSimulatorsSettings_OneRetryAfterAFailedConnect()
    {
        Assert.True(RetryRule.MayRetry(RetryableFailure.ConnectFailed, 0));
        Assert.False(RetryRule.MayRetry(RetryableFailure.ConnectFailed, 1));
    }
}
