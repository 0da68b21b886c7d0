using BenchmarkDotNet.Running;

namespace FastLb.Benchmarks;

/// <summary>Entry point: `dotnet run -c Release --project bench/FastLb.Benchmarks -- --filter '*'`.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
