// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Traffic.Internal;

/// <summary>Random variates for the emulated device.</summary>
internal static class Sampling
{
    public static double StandardNormal(Random rng)
    {
        // Box-Muller; 1 - u keeps the log argument in (0, 1].
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A binomial count: exact Bernoulli sum for small n, Poisson for small means, normal otherwise.</summary>
    public static long Binomial(Random rng, long n, double p)
    {
        if (n <= 0 || p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return n;
        }

        if (n <= 64)
        {
            long k = 0;
            for (long i = 0; i < n; i++)
            {
                if (rng.NextDouble() < p)
                {
                    k++;
                }
            }

            return k;
        }

        double mean = n * p;
        if (mean < 30 && p < 0.05)
        {
            return Math.Min(n, Poisson(rng, mean));
        }

        if (n * (1 - p) < 30)
        {
            return n - Math.Min(n, Poisson(rng, n * (1 - p)));
        }

        double sd = Math.Sqrt(mean * (1 - p));
        long x = (long)Math.Round(mean + (sd * StandardNormal(rng)));
        return Math.Clamp(x, 0, n);
    }

    private static long Poisson(Random rng, double mean)
    {
        // Knuth's product method; fine for means below about 30.
        double l = Math.Exp(-mean);
        long k = 0;
        double prod = rng.NextDouble();
        while (prod > l)
        {
            k++;
            prod *= rng.NextDouble();
        }

        return k;
    }
}
