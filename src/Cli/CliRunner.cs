using System.CommandLine;

namespace FastLb.Cli;

/// <summary>Parses and invokes a command line with FastLb's exit codes.</summary>
internal static class CliRunner
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Failure while running.</summary>
    public const int RuntimeFailure = 1;

    /// <summary>Bad usage or config; the message names the flag or field.</summary>
    public const int BadUsage = 2;

    /// <summary>Parses <paramref name="args"/>; on a parse error prints every error to stderr and returns <see cref="BadUsage"/>.</summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"fastlb: {error.Message}");
            }

            Console.Error.WriteLine("Run 'fastlb --help' for usage.");
            return BadUsage;
        }

        try
        {
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"fastlb: {e.Message}");
            return BadUsage;
        }
    }
}

/// <summary>Thrown by a command for bad usage or config: the message names the offending flag or field; exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
