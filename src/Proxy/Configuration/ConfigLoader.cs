using System.Text.Json;

namespace FastLb.Proxy.Configuration;

/// <summary>Reads <c>fastlb.json</c> into <see cref="ProxyOptions"/>; JSON errors name the field's path.</summary>
internal static class ConfigLoader
{
    /// <summary>Loads and validates the config file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file is unreadable, not JSON, has unknown fields or invalid values.</exception>
    public static ProxyConfig LoadFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path}: cannot read: {e.Message}"]);
        }

        return ConfigValidator.Validate(Parse(json));
    }

    /// <summary>Binds JSON text to options, refusing unknown fields.</summary>
    public static ProxyOptions Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ProxyOptionsJsonContext.Default.ProxyOptions)
                ?? throw new ConfigException(["$: the config is null"]);
        }
        catch (JsonException e)
        {
            // System.Text.Json reports the path of the offending token; for an unknown member the
            // path is that of the object holding it, and the message names the member.
            string where = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            string what = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? UnknownField(e.Message)
                : e.Message.Split(" Path:", 2)[0];
            throw new ConfigException([$"{where}: {what}"]);
        }
    }

    private static string UnknownField(string message)
    {
        int start = message.IndexOf('\'');
        int end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? $"unknown field '{message[(start + 1)..end]}'" : "unknown field";
    }
}
