using FastLb.Policy.Prediction;

namespace FastLb.Training.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void Write_ExistingFile_ReplacedAndNoTempLeft()
    {
        using var folder = new TempFolder();
        string path = folder.File("latency.model");
        File.WriteAllText(path, "old");

        AtomicFile.Write(path, stream => stream.Write("new"u8));

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Write_WriterFails_OldContentStaysAndNoTempLeft()
    {
        using var folder = new TempFolder();
        string path = folder.File("latency.model");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Write_WhileWriting_TargetNeverHoldsPartialContent()
    {
        using var folder = new TempFolder();
        string path = folder.File("latency.model");
        File.WriteAllText(path, "old");
        string? seenDuringWrite = null;

        AtomicFile.Write(path, stream =>
        {
            stream.Write("new content"u8);
            stream.Flush();
            seenDuringWrite = File.ReadAllText(path);
        });

        Assert.Equal("old", seenDuringWrite);
        Assert.Equal("new content", File.ReadAllText(path));
    }

    [Fact]
    public void Write_MissingFolder_Created()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "models", "latency.model");

        AtomicFile.Write(path, stream => stream.Write("x"u8));

        Assert.Equal("x", File.ReadAllText(path));
    }
}
