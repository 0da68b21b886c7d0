namespace FastLb.Proxy.Tests.Admin;

public sealed class DeployFilesTests
{
    [Fact]
    public async Task PrometheusScrapeConfig_PassesPromtool()
    {
        string root = Path.GetDirectoryName(Path.GetDirectoryName(Model.ModelWatcherTests.RepositoryModel))!;
        string config = Path.Combine(root, "deploy", "prometheus.yml");

        (int exitCode, string output) = await AdminEndpointTests.RunAsync("promtool", $"check config {config}", "");

        Assert.True(exitCode == 0, output);
    }
}
