using System.Runtime.CompilerServices;

namespace FastLb.Policy.Selection;

/// <summary>exp(-x) for the time decays of the smoothed estimates, cheap for the small x of steady traffic.</summary>
internal static class Decay
{
    private const double SeriesLimit = 0.01;

    /// <summary>exp(-<paramref name="x"/>) for x &gt;= 0.</summary>
    /// <remarks>Under busy traffic the time between samples is a tiny fraction of the decay
    /// constant (1 ms over 10 s is 1e-4), where 1 - x + x^2 / 2 is within 2e-7 of exp(-x) for
    /// x &lt; 0.01 and skips a call that costs more than the rest of the update.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Factor(double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        return x < SeriesLimit ? 1 - x + (0.5 * x * x) : Math.Exp(-x);
    }
}
