// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Core.Requirements;

namespace NfvConformance.Core.Tests.Requirements;

public sealed class CapabilityExpectationTests
{
    [TestCase("Yes", "Yes", true)]
    [TestCase("No", "Yes", false)]
    [TestCase("No", "No", true)]
    [TestCase("Yes", "No", true)]
    [TestCase("32", ">= 16", true)]
    [TestCase("8", ">= 16", false)]
    [TestCase("64 GB", ">= 32 GB", false)]
    [TestCase("per selected flavour", "per selected flavour", true)]
    [TestCase("0", "Yes", false)]
    [TestCase("4", "Yes", true)]
    public void IsMet_PublishedAgainstRequired_MatchesCatalogueMeaning(string published, string required, bool expected)
    {
        bool met = CapabilityExpectation.IsMet(new CapabilityValue(published, null, "test"), required, out string why);

        Assert.That(met, Is.EqualTo(expected), why);
        Assert.That(why, Is.Not.Empty);
    }

    [Test]
    public void IsMet_NothingPublishedButRequired_IsNotMetAndSaysSo()
    {
        bool met = CapabilityExpectation.IsMet(null, "Yes", out string why);

        Assert.That(met, Is.False);
        Assert.That(why, Does.Contain("publishes nothing"));
    }

    [Test]
    public void IsMet_NothingPublishedAndNotRequired_IsMet()
    {
        Assert.That(CapabilityExpectation.IsMet(null, "No", out _), Is.True);
    }
}
