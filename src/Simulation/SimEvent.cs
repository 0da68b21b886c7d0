using System.Runtime.InteropServices;

namespace FastLb.Simulation;

/// <summary>An entry of the event queue: when, a sequence number that breaks ties in insertion order, what, and two arguments.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct SimEvent(double Time, long Sequence, SimEventKind Kind, int A, int B)
{
    /// <summary>True when this event comes before <paramref name="other"/>: earlier, or as early and inserted first.</summary>
    public bool Precedes(in SimEvent other) => Time < other.Time || (Time == other.Time && Sequence < other.Sequence);
}
