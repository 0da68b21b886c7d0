using System.Reflection;
using FastLb.RequestLog;

namespace FastLb.Fuzz;

/// <summary>
/// <see cref="RequestLogReader"/> on the input as a request-log CSV file: the only failure is a
/// <see cref="RequestLogException"/>; otherwise the counts add up (good rows = lines - bad lines, at most
/// <see cref="RequestLogReader.SampleCount"/> samples), every latency kept is a finite, non-negative number and no
/// feature is infinite.
/// </summary>
internal sealed class RequestLogTarget : IFuzzTarget
{
    // The vocabularies are internal to FastLb.Policy, which this project does not see into: the reader's constructor is
    // found once by reflection and handed new vocabularies of its own parameter type.
    private static readonly ConstructorInfo s_constructor = typeof(RequestLogReader).GetConstructors(BindingFlags.Public | BindingFlags.Instance).Single();

    // The reader reads files only: the input goes to one, in memory (/dev/shm) where there is one, since a disk file
    // per input costs more than the read.
    private readonly string _path = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"fastlb-fuzz-requestlog-{Environment.ProcessId}.csv");

    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        File.WriteAllBytes(_path, input.ToArray());
        try
        {
            RequestLogReadResult result;
            try
            {
                result = NewReader().Read([_path]);
            }
            catch (RequestLogException e)
            {
                FuzzPropertyException.Check(!string.IsNullOrWhiteSpace(e.Message), "a request-log error without a message");
                return;
            }

            FuzzPropertyException.Check(result.Lines > 0 && result.BadLines >= 0 && result.BadLines <= result.Lines * RequestLogReader.MaxBadFraction,
                $"read {result.Lines} lines with {result.BadLines} bad");
            FuzzPropertyException.Check(result.Data.Count == result.Lines - result.BadLines, $"{result.Data.Count} rows from {result.Lines} lines, {result.BadLines} bad");
            FuzzPropertyException.Check(result.BadLineSamples.Count == Math.Min(result.BadLines, RequestLogReader.SampleCount), "bad-line samples do not match the count");
            FuzzPropertyException.Check(result.Bytes == input.Length, $"read {result.Bytes} of {input.Length} bytes");
            for (int i = 0; i < result.Data.Count; i++)
            {
                float latency = result.Data.LatencyMs[i];
                FuzzPropertyException.Check(float.IsFinite(latency) && latency >= 0, $"row {i}: latency {latency}");
            }

            // A missing feature is NaN; an infinite one would be a value the log never held.
            for (int i = 0; i < result.Data.Count; i++)
            {
                foreach (float feature in result.Data.Row(i))
                {
                    FuzzPropertyException.Check(!float.IsInfinity(feature), $"row {i}: an infinite feature");
                }
            }
        }
        finally
        {
            File.Delete(_path);
        }
    }

    private static RequestLogReader NewReader()
    {
        ParameterInfo[] parameters = s_constructor.GetParameters();
        object backends = Activator.CreateInstance(parameters[0].ParameterType)!;
        object routes = Activator.CreateInstance(parameters[1].ParameterType)!;
        return (RequestLogReader)s_constructor.Invoke([backends, routes, true]);
    }
}
