// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Requirements;
using NfvConformance.Suites.NUnit.Support;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

[assembly: RequirementProperties]

namespace NfvConformance.Suites.NUnit.Support;

/// <summary>
/// Reqnroll's NUnit generator makes every tag an NUnit category; this adds each requirement uid a tag names
/// (<c>@RM:e.cap.013</c>, <c>@req:X</c>, see <see cref="RequirementTags"/>) as a <c>Requirement</c> property of the
/// same test, so <c>dotnet test --filter "Requirement=RM:e.cap.013"</c> and test explorers find what checks a
/// requirement. Applied to the assembly: NUnit calls it once the fixtures are built.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RequirementPropertiesAttribute : NUnitAttribute, IApplyToTest
{
    /// <summary>The property name.</summary>
    public const string PropertyName = "Requirement";

    /// <inheritdoc />
    public void ApplyToTest(Test test)
    {
        ArgumentNullException.ThrowIfNull(test);
        Stack<ITest> pending = new([test]);
        while (pending.Count > 0)
        {
            ITest current = pending.Pop();
            if (current.Properties[PropertyNames.Category] is { Count: > 0 } categories)
            {
                IEnumerable<string> uids = RequirementTags.UidsOf(categories.OfType<string>());
                foreach (string uid in uids)
                {
                    current.Properties.Add(PropertyName, uid);
                }
            }

            foreach (ITest child in current.Tests)
            {
                pending.Push(child);
            }
        }
    }
}
