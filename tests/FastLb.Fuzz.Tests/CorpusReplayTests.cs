namespace FastLb.Fuzz.Tests;

/// <summary>
/// Replays every committed fuzz input (the seeds in fuzz/corpus and the crashes and hangs afl-fuzz found, kept in
/// fuzz/regressions) through its target, uninstrumented, so each run of the suite checks the target's properties
/// on them and a fixed finding cannot come back unnoticed.
/// </summary>
public class CorpusReplayTests
{
    /// <summary>Every target, by name, as theory data.</summary>
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (string name in FuzzTargets.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_EveryCommittedInput_HoldsTheTargetsProperties(string name)
    {
        Assert.True(FuzzTargets.TryCreate(name, out IFuzzTarget? target));
        List<string> seeds = Inputs("corpus", name);
        List<string> regressions = Inputs("regressions", name);

        // The seeds are what afl-fuzz starts from; a target without several would fuzz from nothing.
        Assert.True(seeds.Count >= 3, $"fuzz/corpus/{name} holds {seeds.Count} inputs");
        foreach (string file in seeds.Concat(regressions))
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                Assert.Fail($"{Path.GetRelativePath(RepositoryRoot, file)}: {e}");
            }
        }
    }

    [Fact]
    public void Corpus_Folders_NameExactlyTheTargets()
    {
        string[] folders = Directory.GetDirectories(Path.Combine(RepositoryRoot, "fuzz", "corpus")).Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(FuzzTargets.Names.Order(), folders);
        string regressions = Path.Combine(RepositoryRoot, "fuzz", "regressions");
        if (Directory.Exists(regressions))
        {
            Assert.All(Directory.GetDirectories(regressions).Select(Path.GetFileName), d => Assert.Contains(d, FuzzTargets.Names));
        }
    }

    private static List<string> Inputs(string kind, string target)
    {
        string folder = Path.Combine(RepositoryRoot, "fuzz", kind, target);
        return Directory.Exists(folder) ? FuzzInput.Files([folder]).ToList() : [];
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FastLb.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("FastLb.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
