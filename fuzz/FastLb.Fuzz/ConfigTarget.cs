using System.Text;
using FastLb.Proxy.Configuration;

namespace FastLb.Fuzz;

/// <summary>
/// The config loader and validator on the input as <c>fastlb.json</c>: the only failure is a <see cref="ConfigException"/>
/// naming at least one field; an accepted config validates again to the same, and reloading it onto itself changes nothing.
/// </summary>
internal sealed class ConfigTarget : IFuzzTarget
{
    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        string json = Encoding.UTF8.GetString(input);
        ProxyConfig config;
        try
        {
            config = ConfigValidator.Validate(ConfigLoader.Parse(json));
        }
        catch (ConfigException e)
        {
            FuzzPropertyException.Check(e.Errors.Count > 0 && e.Errors.All(line => !string.IsNullOrWhiteSpace(line)), "a config error without a line naming the field");
            return;
        }

        ProxyConfig again = ConfigValidator.Validate(ConfigLoader.Parse(json));
        List<string> restart = ConfigDiff.RestartOnly(config, again);
        FuzzPropertyException.Check(restart.Count == 0, "the same file read twice needs a restart: " + string.Join("; ", restart));
        var changes = new List<string>();
        ConfigDiff.DescribeGlobal(config, again, changes);
        FuzzPropertyException.Check(changes.Count == 0, "the same file read twice changed: " + string.Join("; ", changes));
    }
}
