using System.CommandLine;
using FastLb.Cli;

namespace FastLb.Cli;

/// <summary>The <c>fastlb</c> executable: one subcommand per command of docs/CLI.md.</summary>
public static class Program
{
    /// <summary>Runs the command line; exit 0 on success, 2 on bad usage or config, 1 on runtime failure.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("FastLb: an HTTP/1.1 and TCP load balancer whose routing policy learns.");
        foreach (Command command in Commands())
        {
            root.Subcommands.Add(command);
        }

        return CliRunner.Invoke(root, args);
    }

    private static IEnumerable<Command> Commands()
    {
        // One line per command; each lives in Cli/<Name>Command.cs.
        yield return RunCommand.Create();
        yield return SimCommand.Create();
        yield return TrainCommand.Create();
        yield return BackendCommand.Create();
        yield return LoadCommand.Create();
        yield return DemoCommand.Create();
    }
}
