namespace FastLb.Architecture.Tests.Fixtures;

/// <summary>Test fixture: touches the file system only inside an async method, whose body the compiler moves into a state machine.</summary>
public static class FileTouchingFixture
{
    /// <summary>Reads <paramref name="path"/> after a yield, so the File call sits in MoveNext of a nested type.</summary>
    public static async Task<int> LengthAsync(string path)
    {
        await Task.Yield();
        return File.ReadAllText(path).Length;
    }
}
