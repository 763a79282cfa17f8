// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Core.Running;

namespace NfvConformance.Core.Requirements;

/// <summary>A scenario tag that names a requirement must name one the catalogue has (issue 7: an unknown uid is a validation error).</summary>
public sealed class RequirementUidValidator : IPickleValidator
{
    private readonly RequirementCatalog _catalog;

    /// <summary>Creates the validator.</summary>
    /// <param name="catalog">The catalogue the uids must be in.</param>
    public RequirementUidValidator(RequirementCatalog catalog)
    {
        _catalog = catalog;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        foreach (PickleTag tag in pickle.Tags)
        {
            if (RequirementTags.ToUid(tag.Name) is { } uid && !_catalog.TryGet(uid, out _))
            {
                yield return new ValidationError(
                    true,
                    $"tag {tag.Name} names requirement '{uid}', which is not in {_catalog.Path}. Fix the uid (uids look like RM:e.cap.013, RA1:inf.acc.03, RA2:ra2.ntw.008).",
                    $"{pickle.Uri}:{pickle.Location.Line}");
            }
        }
    }
}
