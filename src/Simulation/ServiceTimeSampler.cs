namespace FastLb.Simulation;

/// <summary>Draws service times with mean 1 from a <see cref="ServiceTimeSpec"/>'s family, to be scaled by the backend's current mean.</summary>
/// <remarks>Scaling a unit-mean draw lets a schedule change the mean without rebuilding the distribution; a Pareto cut scales with it.</remarks>
internal sealed class ServiceTimeSampler
{
    private readonly ServiceDistribution _distribution;
    private readonly double _mu;
    private readonly double _sigma;
    private readonly double _xm;
    private readonly double _inverseAlpha;
    private readonly double _tailMass;

    /// <summary>Prepares the parameters for unit mean.</summary>
    public ServiceTimeSampler(ServiceTimeSpec spec)
    {
        _distribution = spec.Distribution;
        switch (spec.Distribution)
        {
            case ServiceDistribution.Lognormal:
                // sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2 with mean 1 (cv 1 gives sigma 0.8326, docs/SCENARIOS.md).
                double variance = Math.Log(1 + (spec.Cv * spec.Cv));
                _sigma = Math.Sqrt(variance);
                _mu = -variance / 2;
                break;
            case ServiceDistribution.Pareto:
                _inverseAlpha = 1 / spec.Alpha;
                double cut = spec.CutMs is { } c ? c / spec.MeanMs : double.PositiveInfinity;
                _xm = SolveParetoScale(spec.Alpha, cut);
                _tailMass = double.IsPositiveInfinity(cut) ? 0 : Math.Pow(_xm / cut, spec.Alpha);
                break;
        }
    }

    /// <summary>A service time with mean 1, drawn from <paramref name="random"/>.</summary>
    public double Next(SimRandom random) => FromDraws(random.NextOpenDouble(), random.NextNormal());

    /// <summary>The service time with mean 1 that a request's own draws give: <paramref name="uniform"/> in (0, 1] for the exponential and Pareto, <paramref name="normal"/> for the lognormal.</summary>
    /// <remarks>
    /// The simulator draws both per request at its arrival (common random numbers), so every policy
    /// is judged on the same job sizes and their differences are not sampling noise.
    /// </remarks>
    public double FromDraws(double uniform, double normal)
    {
        switch (_distribution)
        {
            case ServiceDistribution.Lognormal:
                return Math.Exp(_mu + (_sigma * normal));
            case ServiceDistribution.Pareto:
                // Inverse CDF on the part of the distribution below the cut: survival in (tail mass, 1].
                double survival = _tailMass + ((1 - _tailMass) * uniform);
                return _xm * Math.Pow(survival, -_inverseAlpha);
            default:
                return -Math.Log(uniform);
        }
    }

    /// <summary>The Pareto scale x_m whose distribution truncated at <paramref name="cut"/> has mean 1.</summary>
    internal static double SolveParetoScale(double alpha, double cut)
    {
        double untruncated = (alpha - 1) / alpha;
        if (double.IsPositiveInfinity(cut))
        {
            return untruncated;
        }

        // The truncated mean grows with x_m; bisection between the untruncated scale (mean below 1) and 1.
        double lo = untruncated, hi = 1;
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (TruncatedParetoMean(alpha, mid, cut) < 1)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    /// <summary>Mean of a Pareto(alpha, xm) conditioned on being at most <paramref name="cut"/>.</summary>
    internal static double TruncatedParetoMean(double alpha, double xm, double cut)
    {
        double mass = 1 - Math.Pow(xm / cut, alpha);
        double integral = alpha * Math.Pow(xm, alpha) * (Math.Pow(xm, 1 - alpha) - Math.Pow(cut, 1 - alpha)) / (alpha - 1);
        return integral / mass;
    }
}
