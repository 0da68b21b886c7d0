namespace FastLb.Proxy;

/// <summary>The <c>fastlb</c> executable.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("fastlb: no commands yet");
        return 2;
    }
}
