using FastLb.Fuzz;
using SharpFuzz;

// FastLb.Fuzz TARGET             run TARGET under afl-fuzz (SharpFuzz's fork server; once on stdin without afl)
// FastLb.Fuzz TARGET PATH...     replay files, or every file in folders, through TARGET; exit 1 on the first failure
// FastLb.Fuzz --list             the target names
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: FastLb.Fuzz TARGET [PATH...] | --list");
    Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.Names));
    return 2;
}

if (args[0] == "--list")
{
    foreach (string known in FuzzTargets.Names)
    {
        Console.WriteLine(known);
    }

    return 0;
}

string name = args[0];
if (!FuzzTargets.Exists(name))
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

if (args.Length == 1)
{
    // The target is made inside the fork server's first run (see FuzzTargets).
    IFuzzTarget? fuzzed = null;
    Fuzzer.Run(stream =>
    {
        if (fuzzed is null)
        {
            FuzzTargets.TryCreate(name, out fuzzed);
        }

        fuzzed!.Run(FuzzInput.ReadAll(stream));
    });
    return 0;
}

FuzzTargets.TryCreate(name, out IFuzzTarget? target);

int count = 0;
foreach (string file in FuzzInput.Files(args.AsSpan(1)))
{
    try
    {
        target!.Run(File.ReadAllBytes(file));
        count++;
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{file}: {e}");
        return 1;
    }
}

Console.WriteLine($"{name}: {count} inputs replayed, no failure");
return 0;
