// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Requirements;

namespace NfvConformance.Core.Tests.Requirements;

public sealed class RequirementTagsTests
{
    [TestCase("@RM:e.cap.013", "RM:e.cap.013")]
    [TestCase("@RA1:inf.acc.03", "RA1:inf.acc.03")]
    [TestCase("@RA2:ra2.ntw.008", "RA2:ra2.ntw.008")]
    [TestCase("@req:RM:e.cap.001", "RM:e.cap.001")]
    [TestCase("@requires:RM:e.cap.013", null)]
    [TestCase("@profile:basic", null)]
    [TestCase("@slow", null)]
    [TestCase("@RM:", null)]
    public void ToUid_Tag_GivesRequirementUidOrNull(string tag, string? uid)
    {
        Assert.That(RequirementTags.ToUid(tag), Is.EqualTo(uid));
    }

    [Test]
    public void RequirementUidsOf_DuplicatesAndOtherTags_KeepsOrderedUniqueUids()
    {
        IReadOnlyList<string> uids = RequirementTags.UidsOf(["@area:discovery", "@RM:e.cap.002", "@RM:e.cap.001", "@req:RM:e.cap.002", "@requires:sriov"]);

        Assert.That(uids, Is.EqualTo(new[] { "RM:e.cap.002", "RM:e.cap.001" }));
    }
}
