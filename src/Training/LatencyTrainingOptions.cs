namespace FastLb.Training;

/// <summary>The trainer's knobs (ML.NET FastTree regression): boosting budget, tree shape, early stopping, threads.</summary>
internal sealed record LatencyTrainingOptions
{
    /// <summary>Most trees (boosting rounds).</summary>
    public int Trees { get; init; } = 300;

    /// <summary>Leaves per tree; trees grow best-first, the split with the largest gain next.</summary>
    public int Leaves { get; init; } = 31;

    /// <summary>Learning rate: the weight of each new tree.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Fewest training rows in a leaf.</summary>
    /// <remarks>20, as scikit-learn's <c>min_samples_leaf</c>, instead of FastTree's 10: latency is noisy and
    /// leaves of a few rows fit the noise.</remarks>
    public int MinExamplesPerLeaf { get; init; } = 20;

    /// <summary>Stop when the validation loss (L2) is more than this fraction above its best so far, and keep the
    /// trees up to the best; 0 grows every tree.</summary>
    public double EarlyStopping { get; init; } = 0.01;

    /// <summary>Histogram bins per feature (FastTree <c>MaximumBinCountPerFeature</c>).</summary>
    public int MaxBins { get; init; } = 255;

    /// <summary>Threads FastTree uses; 0 for one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Seed of ML.NET's generator (FastTree draws nothing unless sampling is turned on; kept for reproducibility).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the values; the message names the option.</summary>
    public void Validate()
    {
        if (Trees < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Trees), Trees, "trees must be at least 1");
        }

        if (Leaves is < 2 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(Leaves), Leaves, "leaves must be 2..65536");
        }

        if (!(LearningRate > 0 && LearningRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be in (0, 1]");
        }

        if (MinExamplesPerLeaf < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinExamplesPerLeaf), MinExamplesPerLeaf, "min examples per leaf must be at least 1");
        }

        if (!(EarlyStopping >= 0 && EarlyStopping <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStopping), EarlyStopping, "early stopping must be a fraction in [0, 1]");
        }

        if (MaxBins is < 2 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBins), MaxBins, "max bins must be 2..65536");
        }

        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be 0 or more");
        }
    }
}
